import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openMigratedDb } from '../../db/client.ts';
import { startTestApp, tempDbPath, type TestApp } from '../support/app.ts';

function mail(
  id: string,
  opts: { from: string; subject: string; body: string; date?: string; inReplyTo?: string },
) {
  return [
    `From: ${opts.from}`,
    'To: newsdesk@newsdesk.test',
    `Subject: ${opts.subject}`,
    `Message-ID: <${id}>`,
    ...(opts.inReplyTo ? [`In-Reply-To: <${opts.inReplyTo}>`] : []),
    `Date: ${opts.date ?? 'Mon, 16 Nov 2026 10:00:00 +0000'}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body,
    '',
  ].join('\r\n');
}

type Result = { thread: { id: number; subject: string }; messageId: number; snippet: string };

describe('search', () => {
  let t: TestApp;
  let cookie: string;
  const search = async (q: string, limit?: number): Promise<Result[]> => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/search?q=${encodeURIComponent(q)}${limit ? `&limit=${limit}` : ''}`,
      headers: { cookie },
    });
    expect(response.statusCode, q).toBe(200);
    return response.json().results;
  };
  const subjects = async (q: string) => (await search(q)).map((r) => r.thread.subject).sort();

  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    cookie = await t.login();
    await t.ingestRaw(
      mail('harbour@paper.test', {
        from: 'Rana Haddad <rana@gulfpaper.test>',
        subject: 'Harbour reopening',
        body: 'When will the harbour at Port Elin reopen to cargo ships?',
      }),
    );
    await t.ingestRaw(
      mail('harbour-2@paper.test', {
        from: 'Rana Haddad <rana@gulfpaper.test>',
        subject: 'Re: Harbour reopening',
        inReplyTo: 'harbour@paper.test',
        date: 'Mon, 16 Nov 2026 12:00:00 +0000',
        body: 'Also: is the harbour master available for an interview?',
      }),
    );
    await t.ingestRaw(
      mail('kuwait@paper.test', {
        from: 'مراسل <reporter@alrai.test>',
        subject: 'استفسار عن الاتفاقية',
        // Hamza forms, ta marbuta and harakat, written as journalists do.
        body: 'نرجو توضيح موقف الحكومة الكويتية من الإتفاقيّة الجديدة وأثرها على المُوانئ.',
      }),
    );
    await t.ingestRaw(
      mail('school@paper.test', {
        from: 'Li Wei <li@wire.test>',
        subject: 'School closures',
        body: 'How many schools closed during the storm? Is the number above 40?',
      }),
    );
  });
  afterAll(async () => t.close());

  it('needs a session and a query of sensible length', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/search?q=harbour' })).statusCode).toBe(401);
    const long = await t.app.inject({
      method: 'GET',
      url: `/api/search?q=${'a'.repeat(501)}`,
      headers: { cookie },
    });
    expect(long.statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/search', headers: { cookie } })).statusCode).toBe(
      400,
    );
  });

  it('finds words as prefixes while typing, one result per thread, with a snippet around the match', async () => {
    for (const partial of ['harb', 'HARBOUR', 'harbour re'])
      expect(await subjects(partial), partial).toEqual(['Harbour reopening']);
    const [hit] = await search('interview');
    expect(hit!.snippet).toContain('interview');
    // Two messages match "harbour": still one result, for the thread.
    const both = await search('harbour');
    expect(both).toHaveLength(1);
    expect(await subjects('closures')).toEqual(['School closures']);
    expect(await subjects('storm schools')).toEqual(['School closures']);
    expect(await subjects('storm harbour')).toEqual([]);
  });

  it('searches senders by name, address and domain', async () => {
    expect(await subjects('haddad')).toEqual(['Harbour reopening']);
    expect(await subjects('gulfpaper')).toEqual(['Harbour reopening']);
    expect(await subjects('li wei')).toEqual(['School closures']);
  });

  it('matches Arabic across hamza, alef, ta marbuta and diacritic forms, by prefix and without the conjunction', async () => {
    const expected = ['استفسار عن الاتفاقية'];
    expect(await subjects('الكويت')).toEqual(expected); // prefix of الكويتية
    expect(await subjects('الاتفاقيه')).toEqual(expected); // ة typed as ه, إ typed as ا
    expect(await subjects('الإتفاقية')).toEqual(expected);
    expect(await subjects('الموانئ')).toEqual(expected); // no damma
    expect(await subjects('اثرها')).toEqual(expected); // أ typed as ا
    expect(await subjects('استفسار')).toEqual(expected);
    expect(await subjects('الحكومة')).toEqual(expected);
    // "وأثرها" is indexed also without its "و"; "الجديدة" is found though written with the article.
    expect(await subjects('الجديده')).toEqual(expected);
    const [hit] = await search('الكويت');
    expect(hit!.snippet).toContain('الكويتية');
  });

  it('finds digits in any script', async () => {
    expect(await subjects('٤٠')).toEqual(['School closures']);
  });

  it('treats FTS syntax as text, never as a query language', async () => {
    for (const q of [
      '"',
      'harbour"',
      'NEAR(harbour ships)',
      'subject:harbour',
      'harbour OR school',
      '*',
      '-harbour',
      'harbour AND',
      '(',
      'a"b*c',
    ]) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/search?q=${encodeURIComponent(q)}`,
        headers: { cookie },
      });
      expect(response.statusCode, q).toBe(200);
    }
    // "OR" is a word to look for, not an operator: no message has it.
    expect(await subjects('harbour OR school')).toEqual([]);
    // A column filter would find the harbour thread; as plain words "body" is simply absent.
    expect(await subjects('body:harbour')).toEqual([]);
    expect(await search('   ')).toEqual([]);
    expect(await search('!!!')).toEqual([]);
  });

  it('ranks subject matches first and honours the limit', async () => {
    await t.ingestRaw(
      mail('ships@paper.test', {
        from: 'Sam <sam@tv.test>',
        subject: 'Cargo ships',
        body: 'A question about exports.',
      }),
    );
    const results = await search('ships');
    expect(results.map((r) => r.thread.subject)).toEqual(['Cargo ships', 'Harbour reopening']);
    expect(await search('ships', 1)).toHaveLength(1);
  });

  it('leaves merged threads out and finds their messages in the surviving thread', async () => {
    const [school] = await search('closures');
    const [harbour] = await search('harbour');
    await t.app.inject({
      method: 'POST',
      url: `/api/threads/${school!.thread.id}/merge`,
      headers: { cookie },
      payload: { intoThreadId: harbour!.thread.id },
    });
    const after = await search('closures');
    expect(after.map((r) => r.thread.id)).toEqual([harbour!.thread.id]);
  });
});

describe('search index backfill', () => {
  it('indexes messages stored before the index existed, once, at start', async () => {
    const temp = tempDbPath();
    const first = await startTestApp({ listen: false, dbPath: temp.path });
    await first.ingestRaw(
      mail('old@paper.test', {
        from: 'Ann <ann@paper.test>',
        subject: 'Archive question',
        body: 'About the lighthouse.',
      }),
    );
    // As a database from before search: the index is emptied behind the app's back.
    first.db.$client.exec("insert into search_index(search_index) values ('delete-all')");
    await first.close();
    const db = openMigratedDb(temp.path);
    expect(db.$client.prepare('select count(*) as n from search_index').get()).toEqual({ n: 0 });
    closeDb(db);

    const second = await startTestApp({ listen: false, dbPath: temp.path });
    try {
      const cookie = await second.login();
      const response = await second.app.inject({
        method: 'GET',
        url: '/api/search?q=lighthouse',
        headers: { cookie },
      });
      expect(response.json().results.map((r: Result) => r.thread.subject)).toEqual(['Archive question']);
    } finally {
      await second.close();
    }
  });
});
