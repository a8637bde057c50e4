import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../server/commands/users.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

function enquiry(id: string, from: string, subject: string, body: string): string {
  return [
    `From: ${from}`,
    'To: newsdesk@newsdesk.test',
    `Subject: ${subject}`,
    `Message-ID: <${id}>`,
    'Date: Mon, 16 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n');
}

describe('saved replies and lines to take', () => {
  let t: TestApp;
  let admin: string;
  let amal: string;
  let amalId: number;
  let englishRelease: number;
  let arabicRelease: number;
  let otherRelease: number;
  let ranaThread: number;
  let trickyThread: number;

  type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  const api = (cookie: string | null, method: Method, url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: cookie ? { cookie } : {},
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });
  const titles = async (query: string) =>
    ((await api(admin, 'GET', `/api/saved-replies${query}`)).json().savedReplies as { title: string }[]).map(
      (s) => s.title,
    );
  const create = async (payload: Record<string, unknown>) => {
    const response = await api(amal, 'POST', '/api/saved-replies', payload);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: number };
  };
  const render = async (threadId: number, savedId: number) => {
    const response = await api(amal, 'GET', `/api/threads/${threadId}/saved-replies/${savedId}/render`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { text: string; missing: string[] };
  };
  const storedEvents = () => (t.db.$client.prepare('select count(*) n from events').get() as { n: number }).n;

  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    admin = await t.login();
    amalId = (
      await addUser(
        t.db,
        { email: 'amal@newsdesk.test', name: 'Amal Haddad', password: 'amal-password' },
        new Date(),
      )
    ).id;
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'amal@newsdesk.test', password: 'amal-password' },
    });
    amal = `newsdesk_session=${login.cookies.find((c) => c.name === 'newsdesk_session')!.value}`;

    const release = async (payload: Record<string, unknown>) => {
      const response = await api(admin, 'POST', '/api/releases', {
        published_at: '2026-11-14T09:30:00Z',
        body: 'The harbour at Port Elin reopens.',
        ...payload,
      });
      expect(response.statusCode, response.body).toBe(201);
      return (response.json() as { id: number }).id;
    };
    englishRelease = await release({
      url: 'https://gov.test/news/harbour',
      title: 'Harbour reopens',
      language: 'en',
    });
    arabicRelease = await release({
      url: 'https://gov.test/ar/news/harbour',
      title: 'إعادة افتتاح الميناء',
      language: 'ar',
      translation_of: 'https://gov.test/news/harbour',
    });
    otherRelease = await release({ url: 'https://gov.test/news/budget', title: 'Budget', language: 'en' });

    await t.ingestRaw(
      enquiry(
        's1@paper.test',
        'Rana Haddad <rana@Paper.test>',
        'Harbour',
        'Could you comment on the harbour?',
      ),
    );
    await t.ingestRaw(
      enquiry('s2@wire.test', '"{release_url} $& Smith" <smith@wire.test>', 'Question', 'Hello?'),
    );
    const threadOf = (subject: string) =>
      (t.db.$client.prepare('select id from threads where subject = ?').get(subject) as { id: number }).id;
    ranaThread = threadOf('Harbour');
    trickyThread = threadOf('Question');
    const linked = await api(admin, 'PUT', `/api/threads/${ranaThread}/release`, {
      releaseId: englishRelease,
    });
    expect(linked.statusCode).toBe(200);
  });
  afterAll(async () => t.close());

  it('needs a session for every route', async () => {
    for (const [method, url] of [
      ['GET', '/api/saved-replies'],
      ['POST', '/api/saved-replies'],
      ['PATCH', '/api/saved-replies/1'],
      ['DELETE', '/api/saved-replies/1'],
      ['GET', '/api/threads/1/saved-replies/1/render'],
    ] as const) {
      const response = await api(null, method, url, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(response.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('validates input and answers 404 for what does not exist', async () => {
    const good = { title: 'Holding line', language: 'en', body: 'We will come back to you.' };
    const bad = async (payload: Record<string, unknown>) =>
      (await api(amal, 'POST', '/api/saved-replies', payload)).statusCode;
    expect(await bad({ ...good, title: '' })).toBe(400);
    expect(await bad({ ...good, language: 'english!' })).toBe(400);
    expect(await bad({ ...good, body: '' })).toBe(400);
    expect(await bad({ title: 'No body', language: 'en' })).toBe(400);
    const blank = await api(amal, 'POST', '/api/saved-replies', { ...good, body: ' \n ' });
    expect(blank.json().error.code).toBe('invalid_saved_reply');
    const unknownRelease = await api(amal, 'POST', '/api/saved-replies', { ...good, releaseId: 9999 });
    expect(unknownRelease.statusCode).toBe(400);
    expect(unknownRelease.json().error.code).toBe('unknown_release');

    expect((await api(amal, 'PATCH', '/api/saved-replies/9999', { title: 'x' })).statusCode).toBe(404);
    expect((await api(amal, 'DELETE', '/api/saved-replies/9999')).statusCode).toBe(404);
    expect((await api(amal, 'GET', '/api/saved-replies?releaseId=9999')).statusCode).toBe(404);
    expect((await api(amal, 'GET', '/api/saved-replies?language=e')).statusCode).toBe(400);
    expect((await api(amal, 'GET', `/api/threads/${ranaThread}/saved-replies/9999/render`)).statusCode).toBe(
      404,
    );
    const { id } = await create(good);
    expect((await api(amal, 'PATCH', `/api/saved-replies/${id}`, {})).statusCode).toBe(400);
    expect((await api(amal, 'PATCH', `/api/saved-replies/${id}`, { releaseId: 9999 })).statusCode).toBe(400);
    expect((await api(amal, 'GET', `/api/threads/999999/saved-replies/${id}/render`)).statusCode).toBe(404);
    expect((await api(amal, 'DELETE', `/api/saved-replies/${id}`)).statusCode).toBe(204);
  });

  it("lists the general ones, plus a release family's lines to take, filtered by language", async () => {
    const eventsBefore = storedEvents();
    const general = await create({ title: 'Thanks', language: 'EN', body: 'Thank you, {journalist_name}.' });
    expect(general).toMatchObject({
      title: 'Thanks',
      language: 'en',
      release: null,
      createdBy: { id: amalId, name: 'Amal Haddad' },
    });
    await create({ title: 'شكر', language: 'ar', body: 'شكراً {journalist_name}.' });
    const englishLine = await create({
      title: 'Harbour line',
      language: 'en',
      body: 'The harbour reopens: {release_url}',
      releaseId: englishRelease,
    });
    expect(englishLine).toMatchObject({
      release: {
        id: englishRelease,
        title: 'Harbour reopens',
        url: 'https://gov.test/news/harbour',
        language: 'en',
      },
    });
    await create({
      title: 'خط الميناء',
      language: 'ar',
      body: 'الميناء: {release_url}',
      releaseId: arabicRelease,
    });
    await create({ title: 'Budget line', language: 'en', body: 'No comment.', releaseId: otherRelease });

    expect(await titles('')).toEqual(['شكر', 'Thanks']);
    // Either language version of the release brings the lines to take of both, before the general ones.
    const family = ['خط الميناء', 'Harbour line', 'شكر', 'Thanks'];
    expect(await titles(`?releaseId=${englishRelease}`)).toEqual(family);
    expect(await titles(`?releaseId=${arabicRelease}`)).toEqual(family);
    expect(await titles(`?releaseId=${arabicRelease}&language=ar`)).toEqual(['خط الميناء', 'شكر']);
    expect(await titles(`?releaseId=${otherRelease}&language=en-GB`)).toEqual(['Budget line', 'Thanks']);
    // Saved replies are office settings, not thread changes: nothing joins the event log.
    expect(storedEvents()).toBe(eventsBefore);
  });

  it('changes and deletes a saved reply', async () => {
    const { id } = await create({ title: 'Old', language: 'en', body: 'Old text', releaseId: otherRelease });
    const patched = await api(admin, 'PATCH', `/api/saved-replies/${id}`, {
      title: 'Embargo',
      body: 'Embargoed until {time}',
      releaseId: null,
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      id,
      title: 'Embargo',
      language: 'en',
      body: 'Embargoed until {time}',
      release: null,
      createdBy: { id: amalId },
    });
    expect(Date.parse(patched.json().updatedAt)).toBeGreaterThanOrEqual(Date.parse(patched.json().createdAt));
    expect(await titles('')).toContain('Embargo');
    expect((await api(admin, 'DELETE', `/api/saved-replies/${id}`)).statusCode).toBe(204);
    expect(await titles('')).not.toContain('Embargo');
  });

  it('renders an Arabic line to take with the Arabic member of the linked English release', async () => {
    const { id } = await create({
      title: 'رد الميناء',
      language: 'ar',
      releaseId: englishRelease,
      body: 'عزيزتي {journalist_first_name} ({outlet})، يرجى الاطلاع على "{release_title}": {release_url}\n{officer_name} — {reference} {موعد}',
    });
    const reference = `ND-${String(ranaThread).padStart(6, '0')}`;
    expect(await render(ranaThread, id)).toEqual({
      text: `عزيزتي Rana (paper.test)، يرجى الاطلاع على "إعادة افتتاح الميناء": https://gov.test/ar/news/harbour\nAmal Haddad — ${reference} {موعد}`,
      missing: ['موعد'],
    });

    // The same thread in English gets the English release; a recorded outlet wins over the domain.
    t.db.$client.prepare("update contacts set outlet = 'The Paper' where email = 'rana@paper.test'").run();
    const english = await create({
      title: 'Harbour answer',
      language: 'en',
      body: 'Dear {journalist_name} of {outlet}, see {release_title} at {release_url}. {Greeting}',
    });
    expect(await render(ranaThread, english.id)).toEqual({
      text: 'Dear Rana Haddad of The Paper, see Harbour reopens at https://gov.test/news/harbour. {Greeting}',
      missing: ['Greeting'],
    });
  });

  it("uses the template's release for a thread with none, and inserts a journalist's braces literally", async () => {
    const { id } = await create({
      title: 'Budget answer',
      language: 'en',
      releaseId: otherRelease,
      body: 'Dear {journalist_name}, see {release_url}',
    });
    expect(await render(trickyThread, id)).toEqual({
      text: 'Dear {release_url} $& Smith, see https://gov.test/news/budget',
      missing: [],
    });
    // A general template on a thread with no release leaves the release placeholders for the officer.
    const general = await create({ title: 'General', language: 'en', body: '{release_title} {outlet}' });
    expect(await render(trickyThread, general.id)).toEqual({
      text: '{release_title} wire.test',
      missing: ['release_title'],
    });
  });
});
