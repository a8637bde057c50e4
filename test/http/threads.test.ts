import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';

function enquiry(opts: {
  id: string;
  from: string;
  subject: string;
  body: string;
  inReplyTo?: string;
  date?: string;
}): string {
  return [
    `From: ${opts.from}`,
    'To: newsdesk@newsdesk.test',
    `Subject: ${opts.subject}`,
    `Message-ID: <${opts.id}>`,
    ...(opts.inReplyTo ? [`In-Reply-To: <${opts.inReplyTo}>`] : []),
    `Date: ${opts.date ?? 'Mon, 16 Nov 2026 10:00:00 +0000'}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body,
    '',
  ].join('\r\n');
}

describe('threads API', () => {
  let t: TestApp;
  let cookie: string;

  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    cookie = await t.login();
  });
  afterAll(async () => t.close());

  it('refuses every non-public route without a session', async () => {
    for (const url of [
      '/api/threads',
      '/api/threads/1',
      '/api/session',
      '/api/docs/json',
      '/api/nope',
      // The router decodes paths: an encoded "a" must not slip past the session check.
      '/%61pi/threads',
      '/%61pi/releases',
      '/api/%74hreads',
    ]) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(401);
    }
    const health = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', mailboxes: [], mailConfigured: false, needsAdmin: false });
  });

  it('rejects a wrong password with the same error as an unknown user', async () => {
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: t.admin.email, password: 'nope-nope' },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'who@x.test', password: 'nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
  });

  it('sets an HttpOnly, SameSite session cookie', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/session', payload: t.admin });
    const cookieHeader = String(response.headers['set-cookie']);
    expect(cookieHeader).toMatch(/HttpOnly/);
    expect(cookieHeader).toMatch(/SameSite=Strict/);
  });

  it('lists threads newest activity first, pages them, and shows one with its messages', async () => {
    await t.ingestRaw(
      enquiry({
        id: 'a1@paper.test',
        from: 'Ann <ann@paper.test>',
        subject: 'Kuwait meeting',
        body: 'When?',
        date: 'Mon, 16 Nov 2026 09:00:00 +0000',
      }),
    );
    await t.ingestRaw(
      enquiry({
        id: 'b1@wire.test',
        from: 'Bob <bob@wire.test>',
        subject: 'Sanctions',
        body: 'Comment?',
        date: 'Mon, 16 Nov 2026 10:00:00 +0000',
      }),
    );
    await t.ingestRaw(
      enquiry({
        id: 'a2@paper.test',
        from: 'Ann <ann@paper.test>',
        subject: 'Re: Kuwait meeting',
        body: 'Any news?',
        inReplyTo: 'a1@paper.test',
        date: 'Mon, 16 Nov 2026 11:00:00 +0000',
      }),
    );

    const first = await t.app.inject({ method: 'GET', url: '/api/threads?limit=1', headers: { cookie } });
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.threads).toHaveLength(1);
    expect(page1.threads[0]).toMatchObject({
      subject: 'Kuwait meeting',
      messageCount: 2,
      snippet: 'Any news?',
      correspondent: { email: 'ann@paper.test', name: 'Ann' },
    });
    expect(page1.nextCursor).toEqual(expect.any(String));

    const second = (
      await t.app.inject({
        method: 'GET',
        url: `/api/threads?limit=1&cursor=${page1.nextCursor}`,
        headers: { cookie },
      })
    ).json();
    expect(second.threads.map((x: { subject: string }) => x.subject)).toEqual(['Sanctions']);
    expect(second.nextCursor).toBeNull();

    const detail = (
      await t.app.inject({ method: 'GET', url: `/api/threads/${page1.threads[0].id}`, headers: { cookie } })
    ).json();
    expect(detail.messages.map((m: { text: string }) => m.text.trim())).toEqual(['When?', 'Any news?']);
    expect(detail.messages[0]).not.toHaveProperty('html');
  });

  it('answers 404 for a missing thread and 400 for a bad id', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/threads/99999', headers: { cookie } })).statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/threads/abc', headers: { cookie } })).statusCode,
    ).toBe(400);
  });

  it('serves the OpenAPI document to a signed-in user', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/docs/json', headers: { cookie } });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json().paths)).toEqual(
      expect.arrayContaining(['/api/threads', '/api/threads/{id}', '/api/health', '/api/session']),
    );
  });

  it('lets staff set and clear a deadline, rejecting nonsense', async () => {
    const threadId = (await t.app.inject({ url: '/api/threads', headers: { cookie } })).json().threads[0].id;
    const set = await t.app.inject({
      method: 'PUT',
      url: `/api/threads/${threadId}/deadline`,
      headers: { cookie },
      payload: { deadline: '2026-11-16T17:00:00.000Z' },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json().deadline).toBe('2026-11-16T17:00:00.000Z');
    const bad = await t.app.inject({
      method: 'PUT',
      url: `/api/threads/${threadId}/deadline`,
      headers: { cookie },
      payload: { deadline: 'tomorrow-ish' },
    });
    expect(bad.statusCode).toBe(400);
    const cleared = await t.app.inject({
      method: 'PUT',
      url: `/api/threads/${threadId}/deadline`,
      headers: { cookie },
      payload: { deadline: null },
    });
    expect(cleared.json().deadline).toBeNull();
  });
});
