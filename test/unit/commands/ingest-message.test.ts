import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDb, openMigratedDb, type Db } from '../../../db/client.ts';
import { mailboxes, messageLocations, messages, threads } from '../../../db/schema.ts';
import { ingestMessage, type IngestSource } from '../../../server/commands/ingest-message.ts';
import { parseMessage } from '../../../server/mail/parse.ts';

const now = new Date('2026-11-20T12:00:00Z');

function mail(id: string | null, body: string, extra: string[] = [], subject = 'Briefing'): Buffer {
  return Buffer.from(
    [
      `From: Ann <ann@paper.test>`,
      'To: newsdesk@newsdesk.test',
      `Subject: ${subject}`,
      ...(id ? [`Message-ID: <${id}>`] : []),
      'Date: Thu, 19 Nov 2026 10:00:00 +0000',
      ...extra,
      '',
      body,
      '',
    ].join('\r\n'),
  );
}

describe('ingestMessage', () => {
  let db: Db;
  let mailboxId: number;
  const at = (uid: number, uidvalidity = 7): IngestSource => ({ kind: 'imap', mailboxId, uidvalidity, uid });
  const ingest = async (raw: Buffer, source: IngestSource) =>
    ingestMessage(db, await parseMessage(raw, { now }), source, {
      ownAddress: 'newsdesk@newsdesk.test',
      now,
    });

  beforeEach(() => {
    db = openMigratedDb(':memory:');
    mailboxId = db
      .insert(mailboxes)
      .values({ account: 'n@h:143', folder: 'INBOX', address: 'newsdesk@newsdesk.test', updatedAt: now })
      .returning()
      .get().id;
  });
  afterEach(() => closeDb(db));

  it('stores a UID once, however often it is fetched, and advances the checkpoint with it', async () => {
    const first = await ingest(mail('m1@x', 'hello'), at(5));
    const again = await ingest(mail('m1@x', 'hello'), at(5));
    expect(first.status).toBe('stored');
    expect(again).toMatchObject({ status: 'already-stored', events: [] });
    expect(db.select().from(messages).all()).toHaveLength(1);
    expect(db.select().from(mailboxes).get()!.lastUid).toBe(5);
  });

  it('treats the same Message-ID with the same content under another UID as one message with two locations', async () => {
    await ingest(mail('m1@x', 'hello'), at(1));
    const copy = await ingest(mail('m1@x', 'hello', ['Received: from another alias']), at(2));
    expect(copy.status).toBe('already-stored');
    expect(db.select().from(messages).all()).toHaveLength(1);
    expect(db.select().from(messageLocations).all()).toHaveLength(2);
  });

  it('keeps a second message that reuses a Message-ID with other content, and flags it', async () => {
    await ingest(mail('m1@x', 'the genuine one'), at(1));
    const second = await ingest(mail('m1@x', 'an impostor'), at(2));
    expect(second.status).toBe('stored');
    const rows = db.select().from(messages).all();
    expect(rows.map((r) => r.duplicateMessageId)).toEqual([false, true]);
  });

  it('stores mail without a Message-ID under a synthesised one, once', async () => {
    await ingest(mail(null, 'no id'), at(1));
    await ingest(mail(null, 'no id'), at(2));
    await ingest(mail(null, 'other'), at(3));
    expect(db.select().from(messages).all()).toHaveLength(2);
  });

  it('publishes thread.created then message.created for a new enquiry, thread.updated for a reply', async () => {
    const first = await ingest(mail('q1@x', 'q'), at(1));
    const reply = await ingest(mail('q2@x', 'again', ['In-Reply-To: <q1@x>']), at(2));
    expect(first.events.map((e) => e.type)).toEqual(['thread.created', 'message.created']);
    expect(reply.events.map((e) => e.type)).toEqual(['thread.updated', 'message.created']);
    expect(reply.events[0]!.seq).toBeGreaterThan(first.events[1]!.seq);
  });

  it('merges two threads when a late parent links them, and reports the merge', async () => {
    const child = await ingest(mail('c@x', 'child', ['In-Reply-To: <p@x>']), at(1));
    const sibling = await ingest(mail('s@x', 'unrelated-looking', [], 'Another matter'), at(2));
    expect(
      child.status === 'stored' && sibling.status === 'stored' && child.threadId !== sibling.threadId,
    ).toBe(true);
    // A message that references both: the two conversations are one.
    const linking = await ingest(mail('l@x', 'links', ['References: <c@x> <s@x>']), at(3));
    expect(linking.events.map((e) => e.type)).toContain('thread.merged');
    const live = db
      .select()
      .from(threads)
      .all()
      .filter((t) => t.mergedInto === null);
    expect(live).toHaveLength(1);
    expect(live[0]!.messageCount).toBe(3);
  });

  it('marks mail from our own address as outgoing', async () => {
    const ours = Buffer.from(
      ['From: newsdesk@newsdesk.test', 'To: ann@paper.test', 'Message-ID: <o@x>', '', 'reply', ''].join(
        '\r\n',
      ),
    );
    await ingest(ours, at(1));
    expect(db.select().from(messages).where(eq(messages.messageId, 'o@x')).get()!.direction).toBe('out');
  });

  it('stores the kind of an auto-reply, and only a person reopens an answered thread', async () => {
    const first = await ingest(mail('e1@x', 'question'), at(1));
    const threadId = first.status === 'stored' ? first.threadId : 0;
    db.update(threads).set({ status: 'answered' }).where(eq(threads.id, threadId)).run();

    await ingest(
      mail(
        'oof@x',
        'I am away',
        ['In-Reply-To: <e1@x>', 'Auto-Submitted: auto-replied'],
        'Automatic reply: Briefing',
      ),
      at(2),
    );
    const auto = db.select().from(messages).where(eq(messages.messageId, 'oof@x')).get()!;
    expect(auto).toMatchObject({ kind: 'auto-reply', kindReason: expect.stringMatching(/Auto-Submitted/) });
    expect(db.select().from(threads).where(eq(threads.id, threadId)).get()!.status).toBe('answered');

    await ingest(mail('e2@x', 'one more thing', ['In-Reply-To: <e1@x>']), at(3));
    expect(db.select().from(threads).where(eq(threads.id, threadId)).get()!.status).toBe('open');
  });

  it("suggests the deadline written in the journalist's own words, not in quoted history", async () => {
    const first = await ingest(
      mail(
        'd1@x',
        'Could you comment? Our deadline is 5pm today.\n\nOn Tue, someone wrote:\n> reply by noon tomorrow',
        ['Date: Thu, 19 Nov 2026 10:00:00 +0000'],
      ),
      at(1),
    );
    const threadId = first.status === 'stored' ? first.threadId : 0;
    const thread = db.select().from(threads).where(eq(threads.id, threadId)).get()!;
    expect(thread.deadlineSuggestedAt?.toISOString()).toBe('2026-11-19T17:00:00.000Z');
    expect(thread.deadlineSuggestionText).toMatch(/5pm/);
    expect(thread.deadline).toBeNull();
  });

  it('reads the deadline of an HTML-only mail from its new words, not its blockquote', async () => {
    const html = (id: string, body: string) =>
      Buffer.from(
        [
          `From: Ann <ann@paper.test>`,
          'To: newsdesk@newsdesk.test',
          `Subject: HTML ${id}`,
          `Message-ID: <${id}>`,
          'Date: Thu, 19 Nov 2026 10:00:00 +0000',
          'Content-Type: text/html; charset=utf-8',
          '',
          body,
          '',
        ].join('\r\n'),
      );
    const quotedOnly = await ingest(
      html('h1@x', '<p>Any news?</p><blockquote>Our deadline is 5pm today.</blockquote>'),
      at(1),
    );
    const own = await ingest(
      html('h2@x', '<div>Could you reply by 3pm today?</div><blockquote>earlier text</blockquote>'),
      at(2),
    );
    const suggestion = (r: typeof own) =>
      db
        .select()
        .from(threads)
        .where(eq(threads.id, r.status === 'stored' ? r.threadId : 0))
        .get()!
        .deadlineSuggestedAt?.toISOString() ?? null;
    expect(suggestion(quotedOnly)).toBeNull();
    expect(suggestion(own)).toBe('2026-11-19T15:00:00.000Z');
  });
});
