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
    send(message: object) {
      socket.send(JSON.stringify(message));
    },
    /** The newest message matching `predicate`, waiting for it to arrive. */
    async until(predicate: (m: Incoming) => boolean, timeoutMs = 3_000): Promise<Incoming> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = [...received].reverse().find(predicate);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(received)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

const viewersOf = (threadId: number, ids: number[]) => (m: Incoming) =>
  m.type === 'presence' &&
  m.threadId === threadId &&
  JSON.stringify((m.viewers as { id: number }[]).map((v) => v.id)) === JSON.stringify(ids);

describe('presence and own-tab messages', () => {
  let t: TestApp;
  let admin: string;
  let omar: string;
  let adminId: number;
  let omarId: number;

  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    admin = await t.login();
    adminId = (await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: admin } })).json().id;
    omarId = (
      await addUser(
        t.db,
        { email: 'omar@newsdesk.test', name: 'Omar', password: 'omar password' },
        new Date(),
      )
    ).id;
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'omar@newsdesk.test', password: 'omar password' },
    });
    omar = `newsdesk_session=${login.cookies.find((c) => c.name === 'newsdesk_session')!.value}`;
  });
  afterAll(async () => t.close());

  it('tells everyone who views and who composes, and forgets a dropped socket', async () => {
    const a = await connect(t, admin);
    const o = await connect(t, omar);
    await a.until((m) => m.type === 'hello');
    await o.until((m) => m.type === 'hello');

    a.send({ type: 'presence', threadId: 5, composing: false });
    const seen = await o.until(viewersOf(5, [adminId]));
    expect(seen).toEqual({
      type: 'presence',
      threadId: 5,
      viewers: [{ id: adminId, name: expect.any(String), composing: false }],
    });
    expect(seen.seq).toBeUndefined();

    o.send({ type: 'presence', threadId: 5, composing: true });
    const both = await a.until(viewersOf(5, [adminId, omarId]));
    expect(
      (both.viewers as { id: number; composing: boolean }[]).find((v) => v.id === omarId)!.composing,
    ).toBe(true);

    // A newcomer gets the current presence right after hello.
    const late = await connect(t, admin);
    await late.until(viewersOf(5, [adminId, omarId]));
    expect(late.received[0]!.type).toBe('hello');
    late.socket.terminate();

    o.socket.terminate();
    await a.until(viewersOf(5, [adminId]));
    a.send({ type: 'presence', threadId: null, composing: false });
    a.send({ type: 'presence', threadId: 'five', composing: true });
    a.send({ type: 'ping' });
    await a.until((m) => m.type === 'pong');
    const last = await a.until((m) => m.type === 'presence' && m.threadId === 5);
    expect(last.viewers).toEqual([]);
    // Presence is never stored as an event.
    expect(t.db.$client.prepare("select count(*) as n from events where type = 'presence'").get()).toEqual({
      n: 0,
    });
    a.socket.terminate();
  });

  it('relays staff actions to other officers live, naming who acted', async () => {
    await t.ingestRaw(
      [
        'From: Li <li@wire.test>',
        'To: newsdesk@newsdesk.test',
        'Subject: Live action',
        'Message-ID: <live-action@wire.test>',
        'Date: Mon, 16 Nov 2026 10:00:00 +0000',
        '',
        'Text',
        '',
      ].join('\r\n'),
    );
    const threadId = (
      t.db.$client.prepare("select id from threads where subject = 'Live action'").get() as { id: number }
    ).id;
    const watcher = await connect(t, omar);
    await watcher.until((m) => m.type === 'hello');
    await t.app.inject({ method: 'POST', url: `/api/threads/${threadId}/claim`, headers: { cookie: admin } });
    await t.app.inject({
      method: 'POST',
      url: `/api/threads/${threadId}/notes`,
      headers: { cookie: admin },
      payload: { body: 'on it' },
    });
    const updated = await watcher.until((m) => m.type === 'thread.updated');
    expect(updated).toMatchObject({
      thread: { id: threadId, assignee: { id: adminId } },
      actor: { id: adminId },
    });
    const note = await watcher.until((m) => m.type === 'note.created');
    expect(note).toMatchObject({ threadId, note: { body: 'on it', author: { id: adminId } } });
    expect(note.seq).toBeGreaterThan(updated.seq!);
    watcher.socket.terminate();
  });

  it("sends a read mark only to the reader's own sockets", async () => {
    await t.ingestRaw(
      [
        'From: Rana <rana@paper.test>',
        'To: newsdesk@newsdesk.test',
        'Subject: Read me',
        'Message-ID: <read-me@paper.test>',
        'Date: Mon, 16 Nov 2026 10:00:00 +0000',
        '',
        'Text',
        '',
      ].join('\r\n'),
    );
    const threadId = (
      t.db.$client.prepare("select id from threads where subject = 'Read me'").get() as { id: number }
    ).id;
    const tab1 = await connect(t, admin);
    const tab2 = await connect(t, admin);
    const colleague = await connect(t, omar);
    for (const c of [tab1, tab2, colleague]) await c.until((m) => m.type === 'hello');
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/threads/${threadId}/read`,
      headers: { cookie: admin },
    });
    const readAt = response.json().readAt;
    for (const tab of [tab1, tab2])
      expect(await tab.until((m) => m.type === 'thread.read')).toEqual({
        type: 'thread.read',
        threadId,
        readAt,
      });
    // Give the colleague's socket the same chance to receive anything, with a ping round trip.
    colleague.send({ type: 'ping' });
    await colleague.until((m) => m.type === 'pong');
    expect(colleague.received.some((m) => m.type === 'thread.read')).toBe(false);
    for (const c of [tab1, tab2, colleague]) c.socket.terminate();
  });
});
