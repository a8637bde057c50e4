import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { threads } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import { presentThread } from '../presenters/thread.ts';
import type { Actor } from '../schemas/api.ts';
import type { SequencedEvent } from '../schemas/realtime.ts';
import { appendEvents } from './append-events.ts';

/** Staff set (or accept the suggested) deadline of a thread, or clear it. */
export function setThreadDeadline(
  db: Db,
  threadId: number,
  deadline: Date | null,
  actor: Actor,
  now: Date,
): SequencedEvent[] {
  return db.transaction((tx) => {
    const thread = tx.select({ id: threads.id }).from(threads).where(eq(threads.id, threadId)).get();
    if (!thread) throw new AppError('not_found', 404, `no thread ${threadId}`);
    tx.update(threads).set({ deadline, updatedAt: now }).where(eq(threads.id, threadId)).run();
    return appendEvents(
      tx,
      [{ type: 'thread.updated', thread: presentThread(tx, threadId)!, actor }],
      now,
      actor.id,
    );
  });
}
