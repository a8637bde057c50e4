import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from '@fastify/websocket';
import { addUser } from '../../server/commands/users.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

type Incoming = { type: string; seq?: number; [key: string]: unknown };

async function connect(t: TestApp, cookie: string) {
  const received: Incoming[] = [];
  const socket: WebSocket = await t.app.injectWS(
    '/api/ws',
    { headers: { cookie } },
    {
      onInit(ws) {
        ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString('utf8')) as Incoming));
      },
    },
  );
  return {
    socket,
    received,
    /** The first message matching `predicate`, waiting for it to arrive. */
    async until(predicate: (m: Incoming) => boolean, timeoutMs = 3_000): Promise<Incoming> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = received.find(predicate);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(received)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

function enquiry(id: string, subject: string): string {
  return [
    'From: Rana Haddad <rana@paper.test>',
    'To: newsdesk@newsdesk.test',
    `Subject: ${subject}`,
    `Message-ID: <${id}>`,
    'Date: Mon, 16 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Could you comment?',
    '',
  ].join('\r\n');
}

describe('drafts', () => {
  let t: TestApp;
  let admin: string;
  let amal: string;
  let adminId: number;
  let amalId: number;
  let threadId: number;
  let otherThreadId: number;

  const draftEvents = (received: Incoming[]) => received.filter((m) => m.type === 'draft.updated');
  const put = (cookie: string | null, id: number, payload: unknown) =>
    t.app.inject({
      method: 'PUT',
      url: `/api/threads/${id}/draft`,
      headers: cookie ? { cookie } : {},
      payload: payload as Record<string, unknown>,
    });
  const detail = async (cookie: string, id: number) =>
    (await t.app.inject({ url: `/api/threads/${id}`, headers: { cookie } })).json();
  const storedEvents = () => (t.db.$client.prepare('select count(*) n from events').get() as { n: number }).n;

  beforeAll(async () => {
    t = await startTestApp({
      listen: false,
      // Nothing listens on port 9 and the undo window is long: a reply stays held, nothing is sent.
      env: { NEWSDESK_SMTP_URL: 'smtp://127.0.0.1:9', NEWSDESK_UNDO_SECONDS: '3600' },
    });
    admin = await t.login();
    adminId = (await t.app.inject({ url: '/api/me', headers: { cookie: admin } })).json().id;
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
    await t.ingestRaw(enquiry('d1@paper.test', 'Budget'));
    await t.ingestRaw(enquiry('d2@paper.test', 'Visit'));
    const ids = t.db.$client.prepare('select id from threads order by id').all() as { id: number }[];
    threadId = ids[0]!.id;
    otherThreadId = ids[1]!.id;
  });
  afterAll(async () => t.close());

  it('needs a session', async () => {
    expect((await put(null, threadId, { body: 'x' })).statusCode).toBe(401);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/threads/${threadId}/draft` });
    expect(del.statusCode).toBe(401);
  });

  it('validates the body and the thread', async () => {
    expect((await put(admin, threadId, {})).statusCode).toBe(400);
    expect((await put(admin, threadId, { body: 'x'.repeat(200_001) })).statusCode).toBe(400);
    expect((await put(admin, 999_999, { body: 'x' })).statusCode).toBe(404);
    const del = await t.app.inject({
      method: 'DELETE',
      url: '/api/threads/999999/draft',
      headers: { cookie: admin },
    });
    expect(del.statusCode).toBe(404);
  });

  it('saves, shows colleagues the full text in the thread and a preview live, and stores no event', async () => {
    const watcher = await connect(t, admin);
    await watcher.until((m) => m.type === 'hello');
    const eventsBefore = storedEvents();
    const versionBefore = (await detail(admin, threadId)).version;

    const long = `عزيزتي رنا، ${'شكراً لسؤالك. '.repeat(40)}`;
    const saved = await put(amal, threadId, { body: long });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toEqual({
      draft: { user: { id: amalId, name: 'Amal Haddad' }, body: long, updatedAt: expect.any(String) },
    });

    const live = await watcher.until((m) => m.type === 'draft.updated');
    expect(live).toEqual({
      type: 'draft.updated',
      threadId,
      userId: amalId,
      draft: {
        user: { id: amalId, name: 'Amal Haddad' },
        body: [...long].slice(0, 200).join(''),
        truncated: true,
        updatedAt: saved.json().draft.updatedAt,
      },
    });
    expect(live.seq).toBeUndefined();

    const seen = await detail(admin, threadId);
    expect(seen.drafts).toEqual([saved.json().draft]);
    // Typing is not a change to the thread: no stored event, and the reply collision check is unmoved.
    expect(storedEvents()).toBe(eventsBefore);
    expect(seen.version).toBe(versionBefore);
    expect((await detail(admin, otherThreadId)).drafts).toEqual([]);
    watcher.socket.terminate();
  });

  it('keeps one draft per officer and thread, and the same text again tells nobody', async () => {
    const watcher = await connect(t, amal);
    await watcher.until((m) => m.type === 'hello');
    expect((await put(admin, threadId, { body: 'Short answer' })).statusCode).toBe(200);
    const first = await watcher.until((m) => m.type === 'draft.updated' && m.userId === adminId);
    expect(first.draft).toMatchObject({ body: 'Short answer', truncated: false });

    expect((await put(admin, threadId, { body: 'Short answer, longer' })).json().draft.body).toBe(
      'Short answer, longer',
    );
    await watcher.until(
      (m) =>
        m.type === 'draft.updated' && (m.draft as { body: string } | null)?.body === 'Short answer, longer',
    );
    const count = draftEvents(watcher.received).length;
    expect((await put(admin, threadId, { body: 'Short answer, longer' })).statusCode).toBe(200);

    const drafts = (await detail(amal, threadId)).drafts as { user: { id: number }; body: string }[];
    expect(drafts.map((d) => [d.user.id, d.body]).sort()).toEqual(
      [
        [adminId, 'Short answer, longer'],
        [amalId, expect.stringContaining('عزيزتي رنا')],
      ].sort(),
    );
    const stored = t.db.$client
      .prepare('select count(*) n from drafts where thread_id = ? and user_id = ?')
      .get(threadId, adminId) as { n: number };
    expect(stored.n).toBe(1);
    // A ping round-trip orders the socket: anything sent for the repeated save would be here by now.
    watcher.socket.send(JSON.stringify({ type: 'ping' }));
    await watcher.until((m) => m.type === 'pong');
    expect(draftEvents(watcher.received)).toHaveLength(count);
    watcher.socket.terminate();
  });

  it('deletes on a blank save and on DELETE, telling colleagues once', async () => {
    const watcher = await connect(t, amal);
    await watcher.until((m) => m.type === 'hello');
    const blank = await put(admin, threadId, { body: '  \n ' });
    expect(blank.statusCode).toBe(200);
    expect(blank.json()).toEqual({ draft: null });
    expect(await watcher.until((m) => m.type === 'draft.updated')).toEqual({
      type: 'draft.updated',
      threadId,
      userId: adminId,
      draft: null,
    });
    expect(
      ((await detail(amal, threadId)).drafts as { user: { id: number } }[]).map((d) => d.user.id),
    ).toEqual([amalId]);

    await put(admin, otherThreadId, { body: 'Visit next week?' });
    await watcher.until(
      (m) => m.type === 'draft.updated' && m.threadId === otherThreadId && m.draft !== null,
    );
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/threads/${otherThreadId}/draft`,
      headers: { cookie: admin },
    });
    expect(del.statusCode).toBe(204);
    await watcher.until(
      (m) => m.type === 'draft.updated' && m.threadId === otherThreadId && m.draft === null,
    );
    expect((await detail(admin, otherThreadId)).drafts).toEqual([]);

    // Deleting what is not there is fine and quiet.
    const count = draftEvents(watcher.received).length;
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/api/threads/${otherThreadId}/draft`,
      headers: { cookie: admin },
    });
    expect(again.statusCode).toBe(204);
    watcher.socket.send(JSON.stringify({ type: 'ping' }));
    await watcher.until((m) => m.type === 'pong');
    expect(draftEvents(watcher.received)).toHaveLength(count);
    watcher.socket.terminate();
  });

  it("clears the author's draft once their reply is in the thread, and only theirs", async () => {
    await put(admin, otherThreadId, { body: 'My own draft here' });
    await put(amal, otherThreadId, { body: 'Dear Rana, the visit is on Monday.' });
    const watcher = await connect(t, admin);
    await watcher.until((m) => m.type === 'hello');

    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/threads/${otherThreadId}/replies`,
      headers: { cookie: amal, 'idempotency-key': 'draft-clears-1' },
      payload: { text: 'Dear Rana, the visit is on Monday.' },
    });
    expect(sent.statusCode).toBe(202);
    expect(await watcher.until((m) => m.type === 'draft.updated' && m.threadId === otherThreadId)).toEqual({
      type: 'draft.updated',
      threadId: otherThreadId,
      userId: amalId,
      draft: null,
    });
    const drafts = (await detail(admin, otherThreadId)).drafts as { user: { id: number }; body: string }[];
    expect(drafts).toEqual([expect.objectContaining({ user: { id: adminId, name: expect.any(String) } })]);
    watcher.socket.terminate();
  });

  it('refuses a new draft on a merged thread but lets one be cleared', async () => {
    const merge = await t.app.inject({
      method: 'POST',
      url: `/api/threads/${threadId}/merge`,
      headers: { cookie: admin },
      payload: { intoThreadId: otherThreadId },
    });
    expect(merge.statusCode).toBe(200);
    const refused = await put(admin, threadId, { body: 'Too late' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('thread_merged');
    // Clearing one is still allowed, so nobody is stuck with a draft on a merged thread.
    expect((await put(amal, threadId, { body: '' })).statusCode).toBe(200);
  });
});
