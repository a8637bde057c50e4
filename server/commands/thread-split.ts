import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { contacts, messages, outbox, threads } from '../../db/schema.ts';
import { normalizeSubject } from '../domain/subject.ts';
import type { KnownMessage, ThreadDecision } from '../domain/threading.ts';
import { AppError } from '../errors.ts';
import { presentThread } from '../presenters/thread.ts';
import type { Actor } from '../schemas/api.ts';
import type { SequencedEvent } from '../schemas/realtime.ts';
import { appendEvents, type Tx } from './append-events.ts';
import { refreshThreadTotals } from './thread-merge.ts';

/**
 * Staff move one message into a new thread of its own. The message is marked as placed by staff,
 * so automatic threading never merges it back; later replies to it follow it to its new thread.
 */
export function splitMessage(
  db: Db,
  messageRowId: number,
  actor: Actor,
  now: Date,
): { threadId: number; events: SequencedEvent[] } {
  return db.transaction((tx) => {
    const message = tx.select().from(messages).where(eq(messages.id, messageRowId)).get();
    if (!message) throw new AppError('not_found', 404, `no message ${messageRowId}`);
    const sourceId = message.threadId;
    const count = tx
      .select({ n: sql<number>`count(*)` })
      .from(messages)
      .where(eq(messages.threadId, sourceId))
      .get()!.n;
    if (count < 2)
      throw new AppError('only_message', 409, 'the message is already the only one in its thread');
    const correspondent = message.direction === 'in' ? message.fromAddress : (message.to[0]?.address ?? '');
    const contact = correspondent
      ? tx.select({ id: contacts.id }).from(contacts).where(eq(contacts.email, correspondent)).get()
      : undefined;
    const created = tx
      .insert(threads)
      .values({
        subject: message.subject,
        normalizedSubject: normalizeSubject(message.subject).base,
        contactId: contact?.id ?? null,
        status: message.direction === 'in' ? 'new' : 'open',
        firstMessageAt: message.date,
        lastActivityAt: message.date,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: threads.id })
      .get();
    tx.update(messages)
      .set({ threadId: created.id, threadSetByStaff: true })
      .where(eq(messages.id, messageRowId))
      .run();
    // A reply of ours shows its sending state where the message now is.
    tx.update(outbox).set({ threadId: created.id }).where(eq(outbox.messageRowId, messageRowId)).run();
    refreshThreadTotals(tx, created.id, now);
    refreshSourceTotals(tx, sourceId, now);
    return {
      threadId: created.id,
      events: appendEvents(
        tx,
        [
          { type: 'thread.created', thread: presentThread(tx, created.id)!, actor },
          { type: 'thread.updated', thread: presentThread(tx, sourceId)!, actor },
        ],
        now,
        actor.id,
      ),
    };
  });
}

/** After a split the source's last activity may move back: it is recomputed, not kept. */
function refreshSourceTotals(tx: Tx, threadId: number, now: Date): void {
  const last = tx
    .select({ at: sql<number>`max(${messages.date})` })
    .from(messages)
    .where(eq(messages.threadId, threadId))
    .get()!.at;
  refreshThreadTotals(tx, threadId, now);
  tx.update(threads)
    .set({ lastActivityAt: new Date(last) })
    .where(eq(threads.id, threadId))
    .run();
}

/**
 * Keeps automatic threading from undoing a staff decision. When a new message's headers link
 * several threads and any of them holds a message staff placed (split or merge), nothing is merged:
 * the message joins the thread of the most specific reference (In-Reply-To first).
 */
export function respectStaffThreading(
  tx: Tx | Db,
  decision: ThreadDecision,
  referenced: readonly KnownMessage[],
): ThreadDecision {
  if (decision.kind !== 'existing' || decision.mergeThreadIds.length === 0) return decision;
  const involved = [decision.threadId, ...decision.mergeThreadIds];
  const staffPlaced = tx
    .select({ id: messages.id })
    .from(messages)
    .where(and(inArray(messages.threadId, involved), eq(messages.threadSetByStaff, true)))
    .limit(1)
    .get();
  if (!staffPlaced) return decision;
  return { ...decision, threadId: referenced[0]?.threadId ?? decision.threadId, mergeThreadIds: [] };
}
