import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { messages, threadReads, threads } from '../../db/schema.ts';
import { AppError } from '../errors.ts';

/**
 * The officer has read the thread up to now. Stored per officer and not an event: colleagues' unread
 * state is their own. The read time is never before the newest inbound message, so a message
 * whose Date header lies in the future does not stay unread for ever.
 */
export function markThreadRead(db: Db, threadId: number, userId: number, now: Date): Date {
  return db.transaction((tx) => {
    const thread = tx.select({ id: threads.id }).from(threads).where(eq(threads.id, threadId)).get();
    if (!thread) throw new AppError('not_found', 404, `no thread ${threadId}`);
    const newest = tx
      .select({ at: sql<number | null>`max(${messages.date})` })
      .from(messages)
      .where(and(eq(messages.threadId, threadId), eq(messages.direction, 'in')))
      .get()?.at;
    const readAt = new Date(Math.max(now.getTime(), newest ?? 0));
    tx.insert(threadReads)
      .values({ userId, threadId, readAt })
      .onConflictDoUpdate({ target: [threadReads.userId, threadReads.threadId], set: { readAt } })
      .run();
    return readAt;
  });
}
