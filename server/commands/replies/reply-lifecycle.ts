// A reply after it is written: undo, approval, the state changes the outbox worker reports, and what
// ingest learns about it (its self-copy arriving, a bounce). Each change is one synchronous transaction
// (or a step inside the ingest transaction) that appends its events; callers publish them after the commit.
import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { blobs, outbox, threads, users } from '../../../db/schema.ts';
import type { BounceReport } from '../../domain/classify/index.ts';
import { AppError } from '../../errors.ts';
import { presentReply } from '../../presenters/reply.ts';
import { presentThread } from '../../presenters/thread.ts';
import type { Reply } from '../../schemas/api.ts';
import type { DomainEvent, SequencedEvent } from '../../schemas/realtime.ts';
import { appendEvents, type Tx } from '../append-events.ts';
import { inOurDomain, outgoingByMessageIds } from './outbox-lookup.ts';
import type { OutboxRow, ReplyState } from './outgoing-store.ts';

function loadReply(tx: Tx, replyId: number): OutboxRow {
  const row = tx.select().from(outbox).where(eq(outbox.id, replyId)).get();
  if (!row) throw new AppError('not_found', 404, `no reply ${replyId}`);
  return row;
}

/** Updates a reply only from the expected states; returns whether it moved. */
function transition(
  tx: Tx,
  replyId: number,
  from: readonly ReplyState[],
  values: Partial<typeof outbox.$inferInsert>,
  now: Date,
): boolean {
  const result = tx
    .update(outbox)
    .set({ ...values, updatedAt: now })
    .where(and(eq(outbox.id, replyId), inArray(outbox.state, [...from])))
    .run();
  return result.changes === 1;
}

function statusEvents(tx: Tx, replyId: number, now: Date, actorUserId: number | null, withThread = false) {
  const reply = presentReply(tx, replyId)!;
  const domainEvents: DomainEvent[] = [{ type: 'reply.status', threadId: reply.threadId, reply }];
  if (withThread) domainEvents.push({ type: 'thread.updated', thread: presentThread(tx, reply.threadId)! });
  return { reply, events: appendEvents(tx, domainEvents, now, actorUserId) };
}

const POSSIBLE_DUPLICATE = 'possible duplicate';

export interface ReplyChange {
  reply: Reply;
  events: SequencedEvent[];
}

/** Undo-send: pulls a reply back while it is still held (or waiting for approval). Its author only. */
export function cancelReply(
  db: Db,
  replyId: number,
  user: { id: number; role?: string },
  now: Date,
): ReplyChange {
  return db.transaction((tx) => {
    const row = loadReply(tx, replyId);
    if (row.authorUserId !== user.id && user.role !== 'admin')
      throw new AppError('forbidden', 403, 'only the author can pull a reply back');
    if (row.state === 'cancelled') return { reply: presentReply(tx, replyId)!, events: [] };
    if (!transition(tx, replyId, ['held', 'awaiting-approval'], { state: 'cancelled' }, now))
      throw new AppError('too_late', 409, `the reply is already ${row.state}`);
    return statusEvents(tx, replyId, now, user.id);
  });
}

function approver(tx: Tx, userId: number): void {
  const row = tx.select({ canApprove: users.canApprove }).from(users).where(eq(users.id, userId)).get();
  if (!row?.canApprove) throw new AppError('forbidden', 403, 'only an approver can do this');
}

/** An approver lets a reply go out. */
export function approveReply(db: Db, replyId: number, userId: number, now: Date): ReplyChange {
  return db.transaction((tx) => {
    loadReply(tx, replyId);
    approver(tx, userId);
    if (
      !transition(
        tx,
        replyId,
        ['awaiting-approval'],
        { state: 'queued', approvedByUserId: userId, sendAfter: now },
        now,
      )
    )
      throw new AppError('not_awaiting_approval', 409, 'the reply is not waiting for approval');
    return statusEvents(tx, replyId, now, userId);
  });
}

/** An approver sends a reply back to its author with a note; it is not sent. */
export function returnReply(db: Db, replyId: number, userId: number, note: string, now: Date): ReplyChange {
  return db.transaction((tx) => {
    loadReply(tx, replyId);
    approver(tx, userId);
    if (!transition(tx, replyId, ['awaiting-approval'], { state: 'cancelled', returnNote: note.trim() }, now))
      throw new AppError('not_awaiting_approval', 409, 'the reply is not waiting for approval');
    return statusEvents(tx, replyId, now, userId);
  });
}

// ---------------------------------------------------------------------------------------------
// Worker-side transitions.

export interface ClaimedReply {
  row: OutboxRow;
  raw: Buffer;
  events: SequencedEvent[];
}

/**
 * Claims the next due reply for sending: a conditional held/queued/retrying → sending update, so a
 * second worker (or a double wake-up) can never send the same row (O-07).
 */
export function claimDueReply(db: Db, now: Date): ClaimedReply | null {
  return db.transaction((tx) => {
    const due = tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(inArray(outbox.state, ['held', 'queued', 'retrying']), lte(outbox.sendAfter, now)))
      .orderBy(outbox.sendAfter, outbox.id)
      .limit(1)
      .get();
    if (!due) return null;
    if (
      !transition(
        tx,
        due.id,
        ['held', 'queued', 'retrying'],
        { state: 'sending', attempts: sql`${outbox.attempts} + 1` as unknown as number },
        now,
      )
    )
      return null;
    const row = loadReply(tx, due.id);
    const blob = tx.select({ data: blobs.data }).from(blobs).where(eq(blobs.sha256, row.rawSha256)).get();
    if (!blob) throw new Error(`reply ${row.id}: stored message bytes are missing`);
    return { row, raw: blob.data, events: statusEvents(tx, row.id, now, null).events };
  });
}

/** When the next held, queued or retrying reply is due (null: none). */
export function nextReplyDue(db: Db): Date | null {
  const row = db
    .select({ at: sql<number | null>`min(${outbox.sendAfter})` })
    .from(outbox)
    .where(inArray(outbox.state, ['held', 'queued', 'retrying']))
    .get();
  return row?.at === null || row?.at === undefined ? null : new Date(row.at);
}

/** Replies left in 'sending' by a process that died mid-attempt. */
export function interruptedReplies(db: Db): OutboxRow[] {
  return db.select().from(outbox).where(eq(outbox.state, 'sending')).all();
}

/**
 * The server took the message (or a copy was found in Sent after a crash). The thread becomes
 * answered (or waiting) and its first response time is kept from the first reply only.
 */
export function markReplySent(
  db: Db,
  replyId: number,
  outcome: { response: string; note: string | null; sentCopy?: 'appended' },
  now: Date,
): ReplyChange {
  return db.transaction((tx) => {
    const row = loadReply(tx, replyId);
    const moved = transition(
      tx,
      replyId,
      ['sending'],
      {
        state: 'sent',
        sentAt: now,
        smtpResponse: outcome.response.slice(0, 1000),
        // A resend after an interrupted attempt keeps saying it may be a duplicate; older retry errors go.
        lastError: outcome.note ?? (row.lastError?.startsWith(POSSIBLE_DUPLICATE) ? row.lastError : null),
        ...(outcome.sentCopy ? { sentCopy: outcome.sentCopy } : {}),
      },
      now,
    );
    if (!moved) {
      // The self-copy came back and settled it before the server's answer was recorded: keep the
      // server's own words (and any refused recipients) rather than the inference.
      if (row.state !== 'sent' || row.smtpResponse !== SELF_COPY_ARRIVED)
        return { reply: presentReply(tx, replyId)!, events: [] };
      tx.update(outbox)
        .set({ smtpResponse: outcome.response.slice(0, 1000), lastError: outcome.note, updatedAt: now })
        .where(eq(outbox.id, replyId))
        .run();
      return statusEvents(tx, replyId, now, null);
    }
    const answered = answerThread(tx, row, now);
    return statusEvents(tx, replyId, now, null, answered);
  });
}

/** A sent reply answers its thread; an automatic acknowledgement is not an answer (false). */
function answerThread(tx: Tx, row: OutboxRow, now: Date): boolean {
  if (row.kind !== 'reply') return false;
  tx.update(threads)
    .set({
      status: row.statusAfterSend,
      firstResponseAt: sql`coalesce(${threads.firstResponseAt}, ${now.getTime()})`,
      updatedAt: now,
    })
    .where(eq(threads.id, row.threadId))
    .run();
  return true;
}

export const SELF_COPY_ARRIVED = 'its copy arrived in the newsdesk inbox';

/**
 * Our reply's self-copy (the newsdesk address as an extra envelope recipient) arrived in the watched
 * inbox while its row still says 'sending' or 'retrying': the server took it for every recipient in
 * the same transaction, so it is sent, and a resend after a crash is not needed. Inside the ingest
 * transaction; returns the events to append (none when the row is already settled or not ours).
 */
export function settleOwnReplyCopy(
  tx: Tx,
  messageId: string,
  ownAddress: string | null,
  now: Date,
): DomainEvent[] {
  if (!ownAddress || !inOurDomain(messageId, ownAddress)) return [];
  const row = tx
    .select()
    .from(outbox)
    .where(and(eq(outbox.messageId, messageId), inArray(outbox.state, ['sending', 'retrying'])))
    .get();
  if (!row) return [];
  const moved = transition(
    tx,
    row.id,
    ['sending', 'retrying'],
    // The copy proves one acceptance: any earlier "possible duplicate" or retry error no longer holds.
    { state: 'sent', sentAt: now, smtpResponse: SELF_COPY_ARRIVED, lastError: null },
    now,
  );
  if (!moved) return [];
  const answered = answerThread(tx, row, now);
  const reply = presentReply(tx, row.id)!;
  const out: DomainEvent[] = [{ type: 'reply.status', threadId: reply.threadId, reply }];
  if (answered) out.push({ type: 'thread.updated', thread: presentThread(tx, reply.threadId)! });
  return out;
}

/** A temporary failure (4xx, no connection): try again at `retryAt`. */
export function markReplyRetrying(
  db: Db,
  replyId: number,
  error: string,
  retryAt: Date,
  now: Date,
): ReplyChange {
  return db.transaction((tx) => {
    transition(
      tx,
      replyId,
      ['sending'],
      { state: 'retrying', lastError: error.slice(0, 1000), sendAfter: retryAt },
      now,
    );
    return statusEvents(tx, replyId, now, null);
  });
}

/** A permanent failure (5xx, or too many attempts): never retried; staff see the server's words. */
export function markReplyFailed(db: Db, replyId: number, error: string, now: Date): ReplyChange {
  return db.transaction((tx) => {
    transition(tx, replyId, ['sending'], { state: 'failed', lastError: error.slice(0, 1000) }, now);
    return statusEvents(tx, replyId, now, null);
  });
}

/**
 * After a restart, a reply found in 'sending' with no copy in Sent or the inbox is sent again with the
 * same bytes; it may have reached the server before the crash, so it says so.
 */
export function requeueInterruptedReply(db: Db, replyId: number, now: Date): ReplyChange {
  return db.transaction((tx) => {
    transition(
      tx,
      replyId,
      ['sending'],
      {
        state: 'retrying',
        sendAfter: now,
        lastError: `${POSSIBLE_DUPLICATE}: sending was interrupted and no copy was found in Sent or the inbox, so it is sent again`,
      },
      now,
    );
    return statusEvents(tx, replyId, now, null);
  });
}

/** Records the Sent copy's outcome; never touches the delivery state. */
export function markSentCopy(
  db: Db,
  replyId: number,
  outcome: 'appended' | 'failed',
  error: string | null,
  now: Date,
): ReplyChange {
  return db.transaction((tx) => {
    tx.update(outbox)
      .set({ sentCopy: outcome, sentCopyError: error ? error.slice(0, 1000) : null, updatedAt: now })
      .where(eq(outbox.id, replyId))
      .run();
    return statusEvents(tx, replyId, now, null);
  });
}

/** A sent reply whose Sent copy is still owed: pending, or failed longer ago than `retryAfterMs`. */
export function nextOwedSentCopy(
  db: Db,
  now: Date,
  retryAfterMs: number,
): { row: OutboxRow; raw: Buffer } | null {
  const row = db
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.state, 'sent'),
        sql`(${outbox.sentCopy} = 'pending' or (${outbox.sentCopy} = 'failed' and ${outbox.updatedAt} <= ${now.getTime() - retryAfterMs}))`,
      ),
    )
    .orderBy(outbox.updatedAt)
    .limit(1)
    .get();
  if (!row) return null;
  const blob = db.select({ data: blobs.data }).from(blobs).where(eq(blobs.sha256, row.rawSha256)).get();
  return blob ? { row, raw: blob.data } : null;
}

/** Counts the outbox states that matter for health: permanent failures in the last day, and retries. */
export function outboxTrouble(
  db: Db,
  now: Date,
): { failed: number; retrying: number; lastError: string | null } {
  const since = now.getTime() - 86_400_000;
  const rows = db
    .select({ state: outbox.state, lastError: outbox.lastError })
    .from(outbox)
    .where(
      and(inArray(outbox.state, ['failed', 'bounced', 'retrying']), sql`${outbox.updatedAt} >= ${since}`),
    )
    .orderBy(desc(outbox.updatedAt))
    .all();
  return {
    failed: rows.filter((r) => r.state !== 'retrying').length,
    retrying: rows.filter((r) => r.state === 'retrying').length,
    lastError: rows[0]?.lastError ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Ingest-side: bounces of our replies.

/**
 * A bounce (RFC 3464 or the common non-standard forms) of one of our replies: a permanent failure
 * marks it 'bounced' with the status text (L-11); a delay only notes the text (L-13).
 */
export function recordReplyBounce(tx: Tx, report: BounceReport, now: Date): DomainEvent[] {
  const hits = outgoingByMessageIds(tx, report.originalMessageIds);
  const failed = report.recipients.filter((r) => r.action === 'failed' || r.status?.startsWith('5'));
  const text =
    (failed.length ? failed : report.recipients)
      .map((r) => [r.address, r.status, r.diagnostic].filter(Boolean).join(' '))
      .join('; ')
      .slice(0, 1000) || 'returned by the mail system';
  const out: DomainEvent[] = [];
  for (const hit of hits) {
    if (report.outcome === 'failed') {
      transition(tx, hit.id, ['sent', 'sending', 'retrying'], { state: 'bounced', lastError: text }, now);
    } else if (report.outcome === 'delayed') {
      tx.update(outbox)
        .set({ lastError: `delayed: ${text}`, updatedAt: now })
        .where(and(eq(outbox.id, hit.id), eq(outbox.state, 'sent')))
        .run();
    } else continue;
    const reply = presentReply(tx, hit.id)!;
    out.push({ type: 'reply.status', threadId: reply.threadId, reply });
  }
  return out;
}
