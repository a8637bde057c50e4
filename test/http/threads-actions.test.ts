import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addUser } from '../../server/commands/users.ts';
import type { SequencedEvent } from '../../server/schemas/realtime.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

function enquiry(opts: {
  id: string;
  from?: string;
  subject: string;
  body?: string;
  inReplyTo?: string;
  references?: string[];
  date?: string;
}): string {
  return [
    `From: ${opts.from ?? 'Rana Haddad <rana@paper.test>'}`,
    'To: newsdesk@newsdesk.test',
    `Subject: ${opts.subject}`,
    `Message-ID: <${opts.id}>`,
    ...(opts.inReplyTo ? [`In-Reply-To: <${opts.inReplyTo}>`] : []),
    ...(opts.references ? [`References: ${opts.references.map((r) => `<${r}>`).join(' ')}`] : []),
    `Date: ${opts.date ?? 'Mon, 16 Nov 2026 10:00:00 +0000'}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body ?? 'Could you comment?',
    '',
  ].join('\r\n');
}

describe('thread actions', () => {
  let t: TestApp;
  let admin: string;
  let omar: string;
  let omarId: number;
  let adminId: number;
  const events: SequencedEvent[] = [];

  const threadIdOf = (subject: string): number => {
    const row = t.db.$client
      .prepare('select id from threads where subject = ? and merged_into is null')
      .get(subject) as { id: number } | undefined;
    if (!row) throw new Error(`no thread ${subject}`);
    return row.id;
  };
  const inject = (cookie: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    admin = await t.login();
    adminId = (await inject(admin, 'GET', '/api/me')).json().id;
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
    await t.ingestRaw(enquiry({ id: 'a1@paper.test', subject: 'Budget figures' }));
    await t.ingestRaw(enquiry({ id: 'b1@paper.test', from: 'Li <li@wire.test>', subject: 'Port strike' }));
    await t.ingestRaw(enquiry({ id: 'c1@paper.test', from: 'Sam <sam@tv.test>', subject: 'Flood response' }));
    t.app.bus.subscribe((e) => events.push(e));
  });
  afterAll(async () => t.close());
  beforeEach(() => {
    events.length = 0;
  });

  it('needs a session for every action', async () => {
    for (const [method, url] of [
      ['PATCH', '/api/threads/1'],
      ['POST', '/api/threads/1/claim'],
      ['POST', '/api/threads/1/read'],
      ['POST', '/api/threads/1/notes'],
      ['POST', '/api/threads/1/merge'],
      ['POST', '/api/messages/1/split'],
      ['GET', '/api/threads/counts'],
    ] as const) {
      const response = await t.app.inject({ method, url, payload: {} });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('changes status, priority, tags and assignee, and says who did it', async () => {
    const id = threadIdOf('Budget figures');
    const response = await inject(admin, 'PATCH', `/api/threads/${id}`, {
      status: 'waiting',
      priority: 'urgent',
      tags: [' budget ', 'Budget', 'tv'],
      assigneeId: omarId,
    });
    expect(response.statusCode).toBe(200);
    const summary = response.json();
    expect(summary).toMatchObject({
      id,
      status: 'waiting',
      priority: 'urgent',
      tags: ['budget', 'tv'],
      assignee: { id: omarId, name: 'Omar' },
      readAt: null,
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'thread.updated',
      thread: { id, status: 'waiting', priority: 'urgent' },
      actor: { id: adminId, name: expect.any(String) },
    });
    expect(Object.keys((events[0] as { actor: object }).actor).sort()).toEqual(['id', 'name']);
    // The same values again change nothing and tell nobody.
    events.length = 0;
    const again = await inject(admin, 'PATCH', `/api/threads/${id}`, { status: 'waiting' });
    expect(again.statusCode).toBe(200);
    expect(events).toHaveLength(0);
    const unassign = await inject(admin, 'PATCH', `/api/threads/${id}`, { assigneeId: null });
    expect(unassign.json().assignee).toBeNull();
  });

  it('refuses bad patches', async () => {
    const id = threadIdOf('Budget figures');
    expect((await inject(admin, 'PATCH', '/api/threads/9999', { status: 'open' })).statusCode).toBe(404);
    expect((await inject(admin, 'PATCH', `/api/threads/${id}`, { priority: 'asap' })).statusCode).toBe(400);
    expect((await inject(admin, 'PATCH', `/api/threads/${id}`, {})).statusCode).toBe(400);
    const unknown = await inject(admin, 'PATCH', `/api/threads/${id}`, { assigneeId: 4242 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('unknown_user');
    expect(events).toHaveLength(0);
  });

  it('claims a thread for the caller and opens a new one', async () => {
    const id = threadIdOf('Port strike');
    const response = await inject(omar, 'POST', `/api/threads/${id}/claim`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ assignee: { id: omarId, name: 'Omar' }, status: 'open' });
    expect(events).toMatchObject([{ type: 'thread.updated', actor: { id: omarId, name: 'Omar' } }]);
    expect((await inject(omar, 'POST', '/api/threads/9999/claim')).statusCode).toBe(404);
  });

  it('adds notes, shows them in the thread, and moves the thread version', async () => {
    const id = threadIdOf('Flood response');
    const before = (await inject(admin, 'GET', `/api/threads/${id}`)).json();
    expect(before.notes).toEqual([]);
    expect(before.version).toBeGreaterThan(0);
    const created = await inject(omar, 'POST', `/api/threads/${id}/notes`, {
      body: '  Check with the ministry first\r\n',
    });
    expect(created.statusCode).toBe(201);
    const note = created.json();
    expect(note).toMatchObject({
      threadId: id,
      author: { id: omarId, name: 'Omar' },
      body: 'Check with the ministry first',
    });
    expect(events).toEqual([{ type: 'note.created', threadId: id, note, seq: expect.any(Number) }]);
    const after = (await inject(admin, 'GET', `/api/threads/${id}`)).json();
    expect(after.notes).toEqual([note]);
    expect(after.version).toBe(events[0]!.seq);
    expect((await inject(omar, 'POST', `/api/threads/${id}/notes`, { body: '   ' })).statusCode).toBe(400);
    expect((await inject(omar, 'POST', `/api/threads/${id}/notes`, {})).statusCode).toBe(400);
    expect((await inject(omar, 'POST', '/api/threads/9999/notes', { body: 'x' })).statusCode).toBe(404);
  });

  it('keeps read state per officer, without telling anyone else', async () => {
    const id = threadIdOf('Flood response');
    const list = async (cookie: string) =>
      (
        (await inject(cookie, 'GET', '/api/threads')).json().threads as {
          id: number;
          readAt: string | null;
          lastInboundAt: string | null;
        }[]
      ).find((x) => x.id === id)!;
    const unreadBefore = (await inject(admin, 'GET', '/api/threads/counts')).json().unread;
    expect((await list(admin)).readAt).toBeNull();
    expect((await list(admin)).lastInboundAt).toBe('2026-11-16T10:00:00.000Z');
    const read = await inject(admin, 'POST', `/api/threads/${id}/read`);
    expect(read.statusCode).toBe(200);
    expect(read.json().threadId).toBe(id);
    expect((await list(admin)).readAt).toBe(read.json().readAt);
    expect((await list(omar)).readAt).toBeNull();
    expect((await inject(admin, 'GET', '/api/threads/counts')).json().unread).toBe(unreadBefore - 1);
    expect(events).toEqual([]);
    expect((await inject(admin, 'POST', '/api/threads/9999/read')).statusCode).toBe(404);
    // New inbound mail makes it unread again for the officer who had read it.
    await t.ingestRaw(
      enquiry({
        id: 'c2@paper.test',
        from: 'Sam <sam@tv.test>',
        subject: 'Re: Flood response',
        inReplyTo: 'c1@paper.test',
        date: new Date(Date.now() + 60_000).toUTCString(),
      }),
    );
    const now = await list(admin);
    expect(Date.parse(now.lastInboundAt!)).toBeGreaterThan(Date.parse(now.readAt!));
  });
});
