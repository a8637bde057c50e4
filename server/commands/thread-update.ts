import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { threads, users } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import { presentThread } from '../presenters/thread.ts';
import type { Actor, ThreadPatchBody } from '../schemas/api.ts';
import type { SequencedEvent } from '../schemas/realtime.ts';
import { appendEvents } from './append-events.ts';

/** Tags as staff mean them: trimmed, without blanks or repeats (case-insensitively), in the order given. */
export function cleanTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
    const key = tag.toLowerCase();
    if (!tag || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

/**
 * Staff change a thread's status, priority, assignee or tags. Emits one `thread.updated` with the
 * actor, or nothing when the values were already so.
 */
export function updateThread(
  db: Db,
  threadId: number,
  patch: ThreadPatchBody,
  actor: Actor,
  now: Date,
): SequencedEvent[] {
  return db.transaction((tx) => {
    const current = tx
      .select({
        status: threads.status,
        priority: threads.priority,
        assigneeId: threads.assigneeId,
        tags: threads.tags,
        mergedInto: threads.mergedInto,
      })
      .from(threads)
      .where(eq(threads.id, threadId))
      .get();
    if (!current) throw new AppError('not_found', 404, `no thread ${threadId}`);
    if (current.mergedInto !== null)
      throw new AppError('thread_merged', 409, `thread ${threadId} was merged into ${current.mergedInto}`);
    if (patch.assigneeId !== undefined && patch.assigneeId !== null) {
      const assignee = tx.select({ id: users.id }).from(users).where(eq(users.id, patch.assigneeId)).get();
      if (!assignee) throw new AppError('unknown_user', 400, `no staff member ${patch.assigneeId}`);
    }
    const changes: Partial<typeof threads.$inferInsert> = {};
    if (patch.status !== undefined && patch.status !== current.status) changes.status = patch.status;
    if (patch.priority !== undefined && patch.priority !== current.priority)
      changes.priority = patch.priority;
    if (patch.assigneeId !== undefined && patch.assigneeId !== current.assigneeId)
      changes.assigneeId = patch.assigneeId;
    if (patch.tags !== undefined) {
      const tags = cleanTags(patch.tags);
      if (JSON.stringify(tags) !== JSON.stringify(current.tags)) changes.tags = tags;
    }
    if (Object.keys(changes).length === 0) return [];
    tx.update(threads)
      .set({ ...changes, updatedAt: now })
      .where(eq(threads.id, threadId))
      .run();
    return appendEvents(
      tx,
      [{ type: 'thread.updated', thread: presentThread(tx, threadId)!, actor }],
      now,
      actor.id,
    );
  });
}

/** "Assign to me": a new thread becomes open once someone owns it. */
export function claimThread(db: Db, threadId: number, actor: Actor, now: Date): SequencedEvent[] {
  const status = db.select({ status: threads.status }).from(threads).where(eq(threads.id, threadId)).get();
  if (!status) throw new AppError('not_found', 404, `no thread ${threadId}`);
  return updateThread(
    db,
    threadId,
    { assigneeId: actor.id, ...(status.status === 'new' ? { status: 'open' as const } : {}) },
    actor,
    now,
  );
}
