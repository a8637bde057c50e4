import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SequencedEvent } from '../../server/schemas/realtime.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

function mail(opts: {
  id: string;
  from?: string;
  subject: string;
  inReplyTo?: string;
  references?: string[];
  date: string;
  body?: string;
}): string {
  return [
    `From: ${opts.from ?? 'Rana Haddad <rana@paper.test>'}`,
    'To: newsdesk@newsdesk.test',
    `Subject: ${opts.subject}`,
    `Message-ID: <${opts.id}>`,
    ...(opts.inReplyTo ? [`In-Reply-To: <${opts.inReplyTo}>`] : []),
    ...(opts.references ? [`References: ${opts.references.map((r) => `<${r}>`).join(' ')}`] : []),
    `Date: ${opts.date}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body ?? 'Text',
    '',
  ].join('\r\n');
}

describe('merge and split', () => {
  let t: TestApp;
  let cookie: string;
  const events: SequencedEvent[] = [];
  const post = (url: string, payload?: object) =>
    t.app.inject({ method: 'POST', url, headers: { cookie }, ...(payload ? { payload } : {}) });
  const threadOfMessage = (messageId: string) =>
    (
      t.db.$client.prepare('select thread_id as id from messages where message_id = ?').get(messageId) as {
        id: number;
      }
    ).id;
  const rowIdOf = (messageId: string) =>
    (t.db.$client.prepare('select id from messages where message_id = ?').get(messageId) as { id: number })
      .id;
  const listedIds = async () =>
    (
      (await t.app.inject({ method: 'GET', url: '/api/threads', headers: { cookie } })).json().threads as {
        id: number;
      }[]
    ).map((x) => x.id);

  beforeAll(async () => {
    t = await startTestApp({ listen: false });
    cookie = await t.login();
    t.app.bus.subscribe((e) => events.push(e));
  });
  afterAll(async () => t.close());
  beforeEach(() => {
    events.length = 0;
  });

  it('merges a thread into another: messages and notes move, the source leaves the list, and it stays merged', async () => {
    await t.ingestRaw(
      mail({ id: 'm1@paper.test', subject: 'Hospital funding', date: 'Mon, 16 Nov 2026 09:00:00 +0000' }),
    );
    await t.ingestRaw(
      mail({
        id: 'm2@paper.test',
        subject: 'Another question',
        from: 'Rana <rana@other.test>',
        date: 'Mon, 16 Nov 2026 11:00:00 +0000',
      }),
    );
    const target = threadOfMessage('m1@paper.test');
    const source = threadOfMessage('m2@paper.test');
    await post(`/api/threads/${source}/notes`, { body: 'same journalist, second address' });
    await t.app.inject({
      method: 'PATCH',
      url: `/api/threads/${source}`,
      headers: { cookie },
      payload: { tags: ['health'] },
    });
    events.length = 0;

    const response = await post(`/api/threads/${source}/merge`, { intoThreadId: target });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: target,
      messageCount: 2,
      tags: ['health'],
      lastActivityAt: '2026-11-16T11:00:00.000Z',
    });
    expect(events.map((e) => e.type)).toEqual(['thread.merged', 'thread.updated']);
    expect(events[0]).toMatchObject({ threadId: source, into: target, actor: { name: expect.any(String) } });
    const detail = (
      await t.app.inject({ method: 'GET', url: `/api/threads/${target}`, headers: { cookie } })
    ).json();
    expect(detail.messages.map((m: { messageId: string }) => m.messageId)).toEqual([
      'm1@paper.test',
      'm2@paper.test',
    ]);
    expect(detail.notes.map((n: { body: string }) => n.body)).toEqual(['same journalist, second address']);
    expect(await listedIds()).not.toContain(source);
    const gone = (
      await t.app.inject({ method: 'GET', url: `/api/threads/${source}`, headers: { cookie } })
    ).json();
    expect(gone).toMatchObject({ mergedInto: target, messages: [] });
    expect(detail.mergedInto).toBeNull();
    // The merged-away thread takes no more actions.
    expect((await post(`/api/threads/${source}/notes`, { body: 'late' })).statusCode).toBe(409);
    expect((await post(`/api/threads/${source}/merge`, { intoThreadId: target })).statusCode).toBe(409);

    // A reply to the moved message stays in the merged thread.
    await t.ingestRaw(
      mail({
        id: 'm3@paper.test',
        subject: 'Re: Another question',
        from: 'Rana <rana@other.test>',
        inReplyTo: 'm2@paper.test',
        date: 'Tue, 17 Nov 2026 08:00:00 +0000',
      }),
    );
    expect(threadOfMessage('m3@paper.test')).toBe(target);
  });

  it('refuses to merge a thread into itself or into a thread that does not exist', async () => {
    await t.ingestRaw(
      mail({ id: 'x1@paper.test', subject: 'Lone thread', date: 'Mon, 16 Nov 2026 07:00:00 +0000' }),
    );
    const id = threadOfMessage('x1@paper.test');
    events.length = 0;
    expect((await post(`/api/threads/${id}/merge`, { intoThreadId: id })).statusCode).toBe(400);
    expect((await post(`/api/threads/${id}/merge`, { intoThreadId: 9999 })).statusCode).toBe(404);
    expect((await post(`/api/threads/9999/merge`, { intoThreadId: id })).statusCode).toBe(404);
    expect((await post(`/api/threads/${id}/merge`, { intoThreadId: 'two' })).statusCode).toBe(400);
    expect((await post(`/api/threads/${id}/merge`, {})).statusCode).toBe(400);
    expect(events).toEqual([]);
  });

  it('splits a message into a new thread that threading never merges back; replies to it follow it', async () => {
    await t.ingestRaw(
      mail({ id: 's1@paper.test', subject: 'Transport plan', date: 'Mon, 16 Nov 2026 09:00:00 +0000' }),
    );
    await t.ingestRaw(
      mail({
        id: 's2@paper.test',
        subject: 'Re: Transport plan',
        inReplyTo: 's1@paper.test',
        date: 'Mon, 16 Nov 2026 10:00:00 +0000',
        body: 'Separately: the school closures?',
      }),
    );
    const original = threadOfMessage('s1@paper.test');
    expect(threadOfMessage('s2@paper.test')).toBe(original);
    events.length = 0;

    const response = await post(`/api/messages/${rowIdOf('s2@paper.test')}/split`);
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created.id).not.toBe(original);
    expect(created).toMatchObject({ messageCount: 1, status: 'new', subject: 'Re: Transport plan' });
    expect(events.map((e) => e.type)).toEqual(['thread.created', 'thread.updated']);
    expect(events[1]).toMatchObject({
      thread: { id: original, messageCount: 1, lastActivityAt: '2026-11-16T09:00:00.000Z' },
    });
    expect(threadOfMessage('s2@paper.test')).toBe(created.id);

    // A reply quoting both messages would link (and merge) the two threads; the split holds.
    await t.ingestRaw(
      mail({
        id: 's3@paper.test',
        subject: 'Re: Transport plan',
        inReplyTo: 's2@paper.test',
        references: ['s1@paper.test', 's2@paper.test'],
        date: 'Mon, 16 Nov 2026 12:00:00 +0000',
      }),
    );
    expect(threadOfMessage('s3@paper.test')).toBe(created.id);
    expect(threadOfMessage('s1@paper.test')).toBe(original);
    const listed = await listedIds();
    expect(listed).toContain(original);
    expect(listed).toContain(created.id);
  });

  it('refuses to split the only message of a thread, or a message that does not exist', async () => {
    await t.ingestRaw(
      mail({ id: 'o1@paper.test', subject: 'Only one', date: 'Mon, 16 Nov 2026 06:00:00 +0000' }),
    );
    events.length = 0;
    expect((await post(`/api/messages/${rowIdOf('o1@paper.test')}/split`)).statusCode).toBe(409);
    expect((await post('/api/messages/99999/split')).statusCode).toBe(404);
    expect(events).toEqual([]);
  });
});
