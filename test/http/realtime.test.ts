import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from '@fastify/websocket';
import { startTestApp, type TestApp } from '../support/app.ts';

type Incoming = { type: string; seq?: number; [key: string]: unknown };

/** Opens a socket and collects its messages from the first one, so a test can wait for what it needs. */
async function connect(t: TestApp, path: string, headers: Record<string, string> = {}) {
  const received: Incoming[] = [];
  const waiters: (() => void)[] = [];
  let closeCode: number | null = null;
  const socket: WebSocket = await t.app.injectWS(
    path,
    { headers },
    {
      onInit(ws) {
        ws.on('message', (data: Buffer) => {
          received.push(JSON.parse(data.toString('utf8')) as Incoming);
          for (const wake of waiters.splice(0)) wake();
        });
        ws.on('close', (code: number) => {
          closeCode = code;
        });
      },
    },
  );
  return {
    socket,
    received,
    closeCode: () => closeCode,
    async until(predicate: (all: Incoming[]) => boolean, timeoutMs = 5_000): Promise<Incoming[]> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline)
          throw new Error(`timed out; got ${JSON.stringify(received.map((m) => m.type))}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received;
    },
  };
}

function mail(id: string, subject: string, extra: string[] = []): string {
  return [
    `From: Rana <rana@paper.test>`,
    `To: newsdesk@newsdesk.test`,
    `Subject: ${subject}`,
    `Message-ID: <${id}>`,
    ...extra,
    'Date: Tue, 17 Nov 2026 08:00:00 +0000',
    '',
    'Text',
    '',
  ].join('\r\n');
}

describe('websocket', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    cookie = await t.login();
  });
  afterAll(async () => t.close());

  it('closes an unauthenticated socket with 4401', async () => {
    const conn = await connect(t, '/api/ws');
    for (let i = 0; i < 100 && conn.closeCode() === null; i++) await new Promise((r) => setTimeout(r, 20));
    expect(conn.closeCode()).toBe(4401);
    expect(conn.received).toEqual([]);
  });

  it('says hello, then pushes thread.created and message.created with increasing seq', async () => {
    const inbox = await connect(t, '/api/ws', { cookie });
    await inbox.until((all) => all.some((m) => m.type === 'hello'));
    await t.ingestRaw(mail('live-1@paper.test', 'Live one'));
    const all = await inbox.until((list) => list.some((m) => m.type === 'message.created'));
    const events = all.filter((m) => m.type !== 'hello');
    expect(events.map((m) => m.type)).toEqual(['thread.created', 'message.created']);
    expect(events[1]!.seq).toBeGreaterThan(events[0]!.seq!);
    expect((events[0] as unknown as { thread: { subject: string } }).thread.subject).toBe('Live one');
    inbox.socket.terminate();
  });

  it('replays what a reconnecting client missed, in order, after its last seq', async () => {
    const inbox = await connect(t, '/api/ws', { cookie });
    const [hello] = await inbox.until((all) => all.some((m) => m.type === 'hello'));
    const lastSeq = hello!.seq!;
    inbox.socket.terminate();

    await t.ingestRaw(mail('missed-1@paper.test', 'Missed one'));
    await t.ingestRaw(mail('missed-2@paper.test', 'Re: Missed one', ['In-Reply-To: <missed-1@paper.test>']));

    const replay = await connect(t, `/api/ws?since=${lastSeq}`, { cookie });
    const all = await replay.until((list) => list.filter((m) => m.type === 'message.created').length === 2);
    const events = all.filter((m) => m.type !== 'hello');
    expect(events.map((m) => m.type)).toEqual([
      'thread.created',
      'message.created',
      'thread.updated',
      'message.created',
    ]);
    const seqs = events.map((m) => m.seq!);
    expect(seqs[0]).toBe(lastSeq + 1);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    replay.socket.terminate();
  });

  it('tells a client from the future (reset server) to reload', async () => {
    const inbox = await connect(t, '/api/ws?since=999999', { cookie });
    const all = await inbox.until((list) => list.some((m) => m.type === 'reload'));
    expect(all.find((m) => m.type === 'reload')).toMatchObject({ reason: expect.any(String) });
    inbox.socket.terminate();
  });

  it('closes the socket with 4401 when its session signs out', async () => {
    const own = await t.login();
    const conn = await connect(t, '/api/ws', { cookie: own });
    await conn.until((all) => all.some((m) => m.type === 'hello'));
    const out = await t.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: own } });
    expect(out.statusCode).toBe(204);
    for (let i = 0; i < 100 && conn.closeCode() === null; i++) await new Promise((r) => setTimeout(r, 20));
    expect(conn.closeCode()).toBe(4401);
  });
});
