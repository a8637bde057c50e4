import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { drafts, messages, notes, outbox, threads } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import { presentThread } from '../presenters/thread.ts';
import type { Actor } from '../schemas/api.ts';
import type { SequencedEvent } from '../schemas/realtime.ts';
import { appendEvents, type Tx } from './append-events.ts';
import { cleanTags } from './thread-update.ts';

/** Recounts a thread's messages and first/last dates after messages moved in or out. */
export function refreshThreadTotals(tx: Tx, threadId: number, now: Date): void {
  const totals = tx
    .select({
      count: sql<number>`count(*)`,
      first: sql<number | null>`min(${messages.date})`,
      last: sql<number | null>`max(${messages.date})`,
    })
    .from(messages)
    .where(eq(messages.threadId, threadId))
    .get()!;
  tx.update(threads)
    .set({
      messageCount: totals.count,
      ...(totals.first !== null ? { firstMessageAt: new Date(totals.first) } : {}),
      // Activity never moves backwards here: the split source recomputes its own.
      ...(totals.last !== null
        ? { lastActivityAt: sql`max(${threads.lastActivityAt}, ${totals.last})` as unknown as Date }
        : {}),
      updatedAt: now,
    })
    .where(eq(threads.id, threadId))
    .run();
}

/** Unsent drafts follow the merge; an officer with a draft on both keeps both texts, target first. */
function moveDrafts(tx: Tx, sourceId: number, targetId: number, now: Date): void {
  for (const draft of tx.select().from(drafts).where(eq(drafts.threadId, sourceId)).all()) {
    const existing = tx
      .select()
      .from(drafts)
      .where(and(eq(drafts.threadId, targetId), eq(drafts.userId, draft.userId)))
      .get();
    if (existing) {
      tx.update(drafts)
        .set({ body: `${existing.body}\n\n${draft.body}`, updatedAt: now })
        .where(and(eq(drafts.threadId, targetId), eq(drafts.userId, draft.userId)))
        .run();
    } else {
      tx.insert(drafts)
        .values({ ...draft, threadId: targetId })
        .run();
    }
  }
  tx.delete(drafts).where(eq(drafts.threadId, sourceId)).run();
}

/**
 * Staff merge one thread into another: its messages (marked as placed by staff, so threading keeps
 * them there), notes and replies move; the target keeps its own settings and takes the source's
 * tags, and its deadline and release where it has none. The source stays as a pointer (`mergedInto`).
 */
export function mergeThread(
  db: Db,
  sourceId: number,
  targetId: number,
  actor: Actor,
  now: Date,
): SequencedEvent[] {
  if (sourceId === targetId) throw new AppError('same_thread', 400, 'a thread cannot be merged into itself');
  return db.transaction((tx) => {
    const [source, target] = [sourceId, targetId].map((id) =>
      tx.select().from(threads).where(eq(threads.id, id)).get(),
    );
    if (!source) throw new AppError('not_found', 404, `no thread ${sourceId}`);
    if (!target) throw new AppError('not_found', 404, `no thread ${targetId}`);
    for (const t of [source, target]) {
      if (t.mergedInto !== null)
        throw new AppError('thread_merged', 409, `thread ${t.id} was already merged into ${t.mergedInto}`);
    }
    tx.update(messages)
      .set({ threadId: targetId, threadSetByStaff: true })
      .where(eq(messages.threadId, sourceId))
      .run();
    tx.update(notes).set({ threadId: targetId }).where(eq(notes.threadId, sourceId)).run();
    tx.update(outbox).set({ threadId: targetId }).where(eq(outbox.threadId, sourceId)).run();
    moveDrafts(tx, sourceId, targetId, now);
    tx.update(threads)
      .set({
        tags: cleanTags([...target.tags, ...source.tags]),
        ...(target.deadline === null && source.deadline !== null ? { deadline: source.deadline } : {}),
        ...(target.releaseId === null && source.releaseId !== null
          ? {
              releaseId: source.releaseId,
              matchConfidence: source.matchConfidence,
              matchReason: source.matchReason,
              releaseLinkedBy: source.releaseLinkedBy,
            }
          : {}),
        ...(target.firstResponseAt === null && source.firstResponseAt !== null
          ? { firstResponseAt: source.firstResponseAt }
          : {}),
      })
      .where(eq(threads.id, targetId))
      .run();
    tx.update(threads)
      .set({ mergedInto: targetId, messageCount: 0, updatedAt: now })
      .where(eq(threads.id, sourceId))
      .run();
    // Threads merged earlier into the source now point at the survivor directly.
    tx.update(threads)
      .set({ mergedInto: targetId })
      .where(inArray(threads.mergedInto, [sourceId]))
      .run();
    refreshThreadTotals(tx, targetId, now);
    return appendEvents(
      tx,
      [
        { type: 'thread.merged', threadId: sourceId, into: targetId, actor },
        { type: 'thread.updated', thread: presentThread(tx, targetId)!, actor },
      ],
      now,
      actor.id,
    );
  });
}
