import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDb, openMigratedDb, type Db } from '../../../db/client.ts';
import { users } from '../../../db/schema.ts';
import { ingestMessage } from '../../../server/commands/ingest-message.ts';
import { addNote } from '../../../server/commands/notes.ts';
import { saveDraft } from '../../../server/commands/drafts.ts';
import { backfillSearchIndex, searchThreads } from '../../../server/commands/search-index.ts';
import { mergeThread } from '../../../server/commands/thread-merge.ts';
import { markThreadRead } from '../../../server/commands/thread-read.ts';
import { respectStaffThreading, splitMessage } from '../../../server/commands/thread-split.ts';
import { claimThread, cleanTags, updateThread } from '../../../server/commands/thread-update.ts';
import { parseMessage } from '../../../server/mail/parse.ts';
import { presentThreadDetail } from '../../../server/presenters/thread.ts';

const now = new Date('2026-11-20T12:00:00Z');

function mail(
  id: string,
  opts: { subject?: string; inReplyTo?: string; date?: string; body?: string } = {},
): Buffer {
  return Buffer.from(
    [
      'From: Ann <ann@paper.test>',
      'To: newsdesk@newsdesk.test',
      `Subject: ${opts.subject ?? 'Briefing'}`,
      `Message-ID: <${id}>`,
      ...(opts.inReplyTo ? [`In-Reply-To: <${opts.inReplyTo}>`] : []),
      `Date: ${opts.date ?? 'Thu, 19 Nov 2026 10:00:00 +0000'}`,
      '',
      opts.body ?? 'hello',
      '',
    ].join('\r\n'),
  );
}

describe('thread commands', () => {
  let db: Db;
  let actor: { id: number; name: string };
  const ingest = async (raw: Buffer) => {
    const outcome = ingestMessage(
      db,
      await parseMessage(raw, { now }),
      { kind: 'import' },
      { ownAddress: 'newsdesk@newsdesk.test', now },
    );
    if (outcome.status !== 'stored') throw new Error('not stored');
    return outcome;
  };

  beforeEach(() => {
    db = openMigratedDb(':memory:');
    const row = db
      .insert(users)
      .values({ email: 'ann@newsdesk.test', name: 'Ann Officer', passwordHash: 'x', createdAt: now })
      .returning()
      .get();
    actor = { id: row.id, name: row.name };
  });
  afterEach(() => closeDb(db));

  it('cleans tags: trimmed, no blanks, no case-insensitive repeats, order kept', () => {
    expect(cleanTags([' Budget ', 'budget', '', '  ', 'TV', 'a  b'])).toEqual(['Budget', 'TV', 'a b']);
  });

  it('records one event per real change, with the actor, and none for a no-op', async () => {
    const { threadId } = await ingest(mail('a@x'));
    const events = updateThread(db, threadId, { priority: 'high' }, actor, now);
    expect(events).toMatchObject([{ type: 'thread.updated', thread: { priority: 'high' }, actor }]);
    expect(updateThread(db, threadId, { priority: 'high' }, actor, now)).toEqual([]);
    expect(claimThread(db, threadId, actor, now)).toMatchObject([
      { thread: { status: 'open', assignee: { id: actor.id } } },
    ]);
    expect(() => updateThread(db, 999, { priority: 'low' }, actor, now)).toThrow(/no thread/);
  });

  it('gives a thread a version that moves with notes and updates', async () => {
    const { threadId } = await ingest(mail('v@x'));
    const v1 = presentThreadDetail(db, threadId)!.version;
    const { events } = addNote(db, threadId, 'call back', actor, now);
    const v2 = presentThreadDetail(db, threadId)!.version;
    expect(v2).toBe(events[0]!.seq);
    expect(v2).toBeGreaterThan(v1);
  });

  it('never marks read before the newest inbound message (a reader whose clock is behind)', async () => {
    const { threadId } = await ingest(mail('f@x'));
    const earlier = new Date('2026-11-19T09:00:00Z');
    expect(markThreadRead(db, threadId, actor.id, earlier).toISOString()).toBe('2026-11-19T10:00:00.000Z');
    expect(markThreadRead(db, threadId, actor.id, now).toISOString()).toBe(now.toISOString());
  });

  it('leaves automatic merges alone when no staff decision is involved', () => {
    const decision = {
      kind: 'existing' as const,
      threadId: 1,
      via: 'references' as const,
      mergeThreadIds: [2],
    };
    // No staff-placed messages anywhere: the automatic merge stands.
    expect(respectStaffThreading(db, decision, [{ messageId: 'x', threadId: 2 }])).toEqual(decision);
  });

  it('merges and splits, and threading respects both afterwards', async () => {
    const first = await ingest(mail('m1@x', { subject: 'Port' }));
    const second = await ingest(
      mail('m2@x', { subject: 'Harbour', date: 'Thu, 19 Nov 2026 11:00:00 +0000' }),
    );
    mergeThread(db, second.threadId, first.threadId, actor, now);
    const reply = await ingest(
      mail('m3@x', { subject: 'Re: Harbour', inReplyTo: 'm2@x', date: 'Thu, 19 Nov 2026 12:00:00 +0000' }),
    );
    expect(reply.threadId).toBe(first.threadId);

    const { threadId: splitId } = splitMessage(db, second.messageRowId, actor, now);
    const decision = respectStaffThreading(
      db,
      { kind: 'existing', threadId: first.threadId, via: 'references', mergeThreadIds: [splitId] },
      [{ messageId: 'm2@x', threadId: splitId }],
    );
    expect(decision).toEqual({ kind: 'existing', threadId: splitId, via: 'references', mergeThreadIds: [] });
  });

  it('carries unsent drafts into the merged thread, keeping both texts of an officer who had two', async () => {
    const first = await ingest(mail('d1@x', { subject: 'Port' }));
    const second = await ingest(mail('d2@x', { subject: 'Ships', date: 'Thu, 19 Nov 2026 11:00:00 +0000' }));
    const other = db
      .insert(users)
      .values({ email: 'bo@newsdesk.test', name: 'Bo Officer', passwordHash: 'x', createdAt: now })
      .returning()
      .get();
    saveDraft(db, first.threadId, actor, 'Thanks for asking about the port.', now);
    saveDraft(db, second.threadId, actor, 'On the ships: no comment yet.', now);
    saveDraft(db, second.threadId, { id: other.id, name: other.name }, 'Draft by Bo.', now);
    mergeThread(db, second.threadId, first.threadId, actor, now);
    const detail = presentThreadDetail(db, first.threadId)!;
    const byUser = new Map(detail.drafts.map((d) => [d.user.id, d.body]));
    expect(byUser.get(actor.id)).toBe('Thanks for asking about the port.\n\nOn the ships: no comment yet.');
    expect(byUser.get(other.id)).toBe('Draft by Bo.');
    expect(presentThreadDetail(db, second.threadId)!.drafts).toEqual([]);
  });

  it('moves notes along when a message links two threads and they merge automatically', async () => {
    const a = await ingest(mail('n1@x', { subject: 'Port' }));
    const b = await ingest(mail('n2@x', { subject: 'Ships', date: 'Thu, 19 Nov 2026 11:00:00 +0000' }));
    addNote(db, b.threadId, 'spoke to the harbour master', actor, now);
    const linking = await ingest(
      Buffer.from(
        [
          'From: Ann <ann@paper.test>',
          'To: newsdesk@newsdesk.test',
          'Subject: Re: Port',
          'Message-ID: <n3@x>',
          'In-Reply-To: <n1@x>',
          'References: <n1@x> <n2@x>',
          'Date: Thu, 19 Nov 2026 12:00:00 +0000',
          '',
          'both',
          '',
        ].join('\r\n'),
      ),
    );
    expect(linking.threadId).toBe(a.threadId);
    expect(presentThreadDetail(db, a.threadId)!.notes.map((n) => n.body)).toEqual([
      'spoke to the harbour master',
    ]);
  });

  it('fills an empty search index from stored messages, and only an empty one', async () => {
    const { threadId } = await ingest(mail('s@x', { body: 'lighthouse keepers' }));
    db.$client.exec("insert into search_index(search_index) values ('delete-all')");
    expect(searchThreads(db, 'lighthouse', 5)).toEqual([]);
    expect(backfillSearchIndex(db)).toBe(1);
    expect(backfillSearchIndex(db)).toBe(0);
    expect(searchThreads(db, 'lighthouse', 5).map((h) => h.threadId)).toEqual([threadId]);
  });
});
