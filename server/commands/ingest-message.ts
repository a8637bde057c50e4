import { and, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  attachments,
  blobs,
  contacts,
  mailboxes,
  messageLocations,
  messageRefs,
  messages,
  threads,
} from '../../db/schema.ts';
import { chooseThread, referencedIds, type SubjectCandidate } from '../domain/threading.ts';
import { normalizeSubject } from '../domain/subject.ts';
import { sha256Hex as createContentHash, type ParsedMessage } from '../mail/parse.ts';
import { presentMessages, presentThread } from '../presenters/thread.ts';
import type { DomainEvent, SequencedEvent } from '../schemas/realtime.ts';
import { appendEvents, type Tx } from './append-events.ts';

/** Where a message came from: an IMAP UID (the exactly-once key) or a file import. */
export type IngestSource =
  { kind: 'imap'; mailboxId: number; uidvalidity: number; uid: number } | { kind: 'import' };

export interface IngestOptions {
  /** The newsdesk's own address: mail from it is outgoing, not a new enquiry. */
  ownAddress: string | null;
  now: Date;
  /** How far back the subject fallback looks for the same correspondent's conversation. */
  subjectWindowDays?: number;
}

export type IngestOutcome =
  | { status: 'stored'; messageRowId: number; threadId: number; events: SequencedEvent[] }
  | { status: 'already-stored'; messageRowId: number; events: SequencedEvent[] };

function putBlob(tx: Tx, sha256: string, data: Buffer): void {
  tx.insert(blobs).values({ sha256, size: data.length, data }).onConflictDoNothing().run();
}

function advanceCheckpoint(tx: Tx, source: IngestSource, now: Date): void {
  if (source.kind !== 'imap') return;
  // max() keeps the checkpoint monotonic even if a batch were ever applied out of order.
  tx.update(mailboxes)
    .set({
      lastUid: sql`max(${mailboxes.lastUid}, ${source.uid})`,
      uidvalidity: source.uidvalidity,
      updatedAt: now,
    })
    .where(eq(mailboxes.id, source.mailboxId))
    .run();
}

function recordLocation(tx: Tx, source: IngestSource, messageRowId: number): void {
  if (source.kind !== 'imap') return;
  tx.insert(messageLocations)
    .values({ messageRowId, mailboxId: source.mailboxId, uidvalidity: source.uidvalidity, uid: source.uid })
    .onConflictDoNothing()
    .run();
}

function upsertContact(tx: Tx, address: string, name: string | null, now: Date): number | null {
  if (!address) return null;
  tx.insert(contacts).values({ email: address, name, createdAt: now }).onConflictDoNothing().run();
  const row = tx
    .select({ id: contacts.id, name: contacts.name })
    .from(contacts)
    .where(eq(contacts.email, address))
    .get();
  if (row && !row.name && name) tx.update(contacts).set({ name }).where(eq(contacts.id, row.id)).run();
  return row?.id ?? null;
}

function findSubjectCandidates(tx: Tx, base: string, since: Date): SubjectCandidate[] {
  if (!base) return [];
  const rows = tx
    .select({ threadId: threads.id, lastActivityAt: threads.lastActivityAt, email: contacts.email })
    .from(threads)
    .leftJoin(contacts, eq(contacts.id, threads.contactId))
    .where(
      and(eq(threads.normalizedSubject, base), isNull(threads.mergedInto), gt(threads.lastActivityAt, since)),
    )
    .all();
  return rows.map((r) => ({
    threadId: r.threadId,
    normalizedSubject: base,
    correspondents: r.email ? [r.email] : [],
    lastActivityAt: r.lastActivityAt,
  }));
}

/** Moves every message of `fromIds` into `intoId` and leaves the emptied threads as merge markers. */
function mergeThreads(tx: Tx, intoId: number, fromIds: number[], now: Date): void {
  if (fromIds.length === 0) return;
  tx.update(messages).set({ threadId: intoId }).where(inArray(messages.threadId, fromIds)).run();
  tx.update(threads)
    .set({ mergedInto: intoId, messageCount: 0, updatedAt: now })
    .where(inArray(threads.id, fromIds))
    .run();
  // Threads merged earlier into one of these now point at the survivor directly.
  tx.update(threads).set({ mergedInto: intoId }).where(inArray(threads.mergedInto, fromIds)).run();
}

function refreshThreadTotals(tx: Tx, threadId: number, now: Date): void {
  const totals = tx
    .select({
      count: sql<number>`count(*)`,
      first: sql<number>`min(${messages.date})`,
      last: sql<number>`max(${messages.date})`,
    })
    .from(messages)
    .where(eq(messages.threadId, threadId))
    .get();
  if (!totals) return;
  tx.update(threads)
    .set({
      messageCount: totals.count,
      firstMessageAt: new Date(totals.first),
      // Activity never moves backwards: a late-arriving old message must not sink a busy thread.
      lastActivityAt: sql`max(${threads.lastActivityAt}, ${totals.last})`,
      updatedAt: now,
    })
    .where(eq(threads.id, threadId))
    .run();
}

/**
 * Stores one parsed message exactly once, threads it, and advances the mailbox checkpoint, all in
 * one synchronous transaction (no I/O inside). Returns the committed events for the bus.
 */
export function ingestMessage(
  db: Db,
  parsed: ParsedMessage,
  source: IngestSource,
  options: IngestOptions,
): IngestOutcome {
  const { now } = options;
  return db.transaction((tx): IngestOutcome => {
    if (source.kind === 'imap') {
      const seen = tx
        .select({ messageRowId: messageLocations.messageRowId })
        .from(messageLocations)
        .where(
          and(
            eq(messageLocations.mailboxId, source.mailboxId),
            eq(messageLocations.uidvalidity, source.uidvalidity),
            eq(messageLocations.uid, source.uid),
          ),
        )
        .get();
      if (seen) {
        advanceCheckpoint(tx, source, now);
        return { status: 'already-stored', messageRowId: seen.messageRowId, events: [] };
      }
    }

    const same = tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.messageId, parsed.messageId), eq(messages.contentHash, parsed.contentHash)))
      .get();
    if (same) {
      // A copy (second alias, another folder, a re-import): one logical message, one more location.
      recordLocation(tx, source, same.id);
      advanceCheckpoint(tx, source, now);
      return { status: 'already-stored', messageRowId: same.id, events: [] };
    }

    const reusedMessageId =
      !parsed.messageIdSynthetic &&
      tx
        .select({ id: messages.id })
        .from(messages)
        .where(and(eq(messages.messageId, parsed.messageId), ne(messages.contentHash, parsed.contentHash)))
        .get() !== undefined;

    const direction = options.ownAddress && parsed.from.address === options.ownAddress ? 'out' : 'in';
    const correspondent = direction === 'in' ? parsed.from : (parsed.to[0] ?? { name: null, address: '' });
    const subject = normalizeSubject(parsed.subject);
    const refs = referencedIds({
      messageId: parsed.messageId,
      inReplyTo: parsed.inReplyTo,
      references: parsed.references,
    });

    const referenced =
      refs.length === 0
        ? []
        : tx
            .select({ messageId: messages.messageId, threadId: messages.threadId })
            .from(messages)
            .where(inArray(messages.messageId, refs))
            .all();
    const referencing = tx
      .selectDistinct({ threadId: messages.threadId })
      .from(messageRefs)
      .innerJoin(messages, eq(messages.id, messageRefs.messageRowId))
      .where(eq(messageRefs.refMessageId, parsed.messageId))
      .all();
    const windowDays = options.subjectWindowDays ?? 30;
    const decision = chooseThread(
      {
        messageId: parsed.messageId,
        inReplyTo: parsed.inReplyTo,
        references: parsed.references,
        subject: parsed.subject,
        correspondent: correspondent.address,
        date: parsed.date,
      },
      {
        referenced,
        referencing,
        subjectCandidates: findSubjectCandidates(
          tx,
          subject.base,
          new Date(parsed.date.getTime() - windowDays * 86_400_000),
        ),
        now,
        windowDays,
      },
    );

    putBlob(tx, parsed.rawSha256, parsed.raw);
    const contactId = upsertContact(tx, correspondent.address, correspondent.name, now);

    let threadId: number;
    let threadCreated = false;
    if (decision.kind === 'existing') {
      threadId = decision.threadId;
      mergeThreads(tx, threadId, decision.mergeThreadIds, now);
    } else {
      threadCreated = true;
      threadId = tx
        .insert(threads)
        .values({
          subject: parsed.subject,
          normalizedSubject: subject.base,
          contactId,
          firstMessageAt: parsed.date,
          lastActivityAt: parsed.date,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: threads.id })
        .get().id;
    }

    const messageRow = tx
      .insert(messages)
      .values({
        messageId: parsed.messageId,
        messageIdSynthetic: parsed.messageIdSynthetic,
        contentHash: parsed.contentHash,
        rawSha256: parsed.rawSha256,
        size: parsed.raw.length,
        inReplyTo: parsed.inReplyTo[0] ?? null,
        references: parsed.references,
        fromAddress: parsed.from.address,
        fromName: parsed.from.name,
        to: parsed.to.map((a) => ({ address: a.address, ...(a.name ? { name: a.name } : {}) })),
        cc: parsed.cc.map((a) => ({ address: a.address, ...(a.name ? { name: a.name } : {}) })),
        subject: parsed.subject,
        date: parsed.date,
        dateHeaderValid: parsed.dateHeaderValid,
        text: parsed.text,
        html: parsed.html,
        direction,
        duplicateMessageId: reusedMessageId,
        parseError: parsed.parseError,
        threadId,
        createdAt: now,
      })
      .returning()
      .get();

    if (refs.length > 0) {
      tx.insert(messageRefs)
        .values(refs.map((refMessageId) => ({ messageRowId: messageRow.id, refMessageId })))
        .run();
    }
    for (const file of parsed.attachments) {
      const sha = createContentHash(file.content);
      putBlob(tx, sha, file.content);
      tx.insert(attachments)
        .values({
          messageRowId: messageRow.id,
          sha256: sha,
          filename: file.filename,
          contentType: file.contentType,
          size: file.content.length,
          contentId: file.contentId,
          disposition: file.disposition,
        })
        .run();
    }
    recordLocation(tx, source, messageRow.id);
    refreshThreadTotals(tx, threadId, now);
    advanceCheckpoint(tx, source, now);

    const thread = presentThread(tx, threadId);
    if (!thread) throw new Error(`thread ${threadId} vanished inside its own transaction`);
    const [message] = presentMessages(tx, [messageRow]);
    const domainEvents: DomainEvent[] = [
      ...(decision.kind === 'existing'
        ? decision.mergeThreadIds.map((id): DomainEvent => ({
            type: 'thread.merged',
            threadId: id,
            into: threadId,
          }))
        : []),
      { type: threadCreated ? 'thread.created' : 'thread.updated', thread },
      { type: 'message.created', threadId, message: message! },
    ];
    return {
      status: 'stored',
      messageRowId: messageRow.id,
      threadId,
      events: appendEvents(tx, domainEvents, now),
    };
  });
}
