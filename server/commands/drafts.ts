import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { drafts, threads } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Actor, Draft } from '../schemas/api.ts';
import type { Tx } from './append-events.ts';

/** What saving a draft did: the draft now stored (null: none) and whether colleagues need telling. */
export interface DraftChange {
  draft: Draft | null;
  changed: boolean;
}

function threadFor(tx: Tx, threadId: number) {
  const thread = tx
    .select({ mergedInto: threads.mergedInto })
    .from(threads)
    .where(eq(threads.id, threadId))
    .get();
  if (!thread) throw new AppError('not_found', 404, `no thread ${threadId}`);
  return thread;
}

/**
 * Stores the officer's draft reply on a thread (one per officer and thread), or deletes it when the
 * body is blank. Not an event: drafts change with every pause in typing, so they are announced
 * ephemerally by the caller (see DraftUpdatedMessage) and read in full from the thread detail.
 */
export function saveDraft(db: Db, threadId: number, author: Actor, body: string, now: Date): DraftChange {
  return db.transaction((tx) => {
    const thread = threadFor(tx, threadId);
    if (body.trim() === '') return { draft: null, changed: clearDraft(tx, threadId, author.id) };
    if (thread.mergedInto !== null)
      throw new AppError('thread_merged', 409, `thread ${threadId} was merged into ${thread.mergedInto}`);
    const before = tx
      .select({ body: drafts.body, updatedAt: drafts.updatedAt })
      .from(drafts)
      .where(and(eq(drafts.threadId, threadId), eq(drafts.userId, author.id)))
      .get();
    // The same text again (a second tab, a retried save) changes nothing and tells nobody.
    if (before?.body === body)
      return { draft: { user: author, body, updatedAt: before.updatedAt.toISOString() }, changed: false };
    tx.insert(drafts)
      .values({ threadId, userId: author.id, body, updatedAt: now })
      .onConflictDoUpdate({ target: [drafts.threadId, drafts.userId], set: { body, updatedAt: now } })
      .run();
    return { draft: { user: author, body, updatedAt: now.toISOString() }, changed: true };
  });
}

/** Deletes the officer's draft on a thread; returns whether there was one. */
export function deleteDraft(db: Db, threadId: number, userId: number): boolean {
  return db.transaction((tx) => {
    threadFor(tx, threadId);
    return clearDraft(tx, threadId, userId);
  });
}

/**
 * Removes an officer's draft inside the caller's transaction (e.g. once their reply is queued);
 * returns whether there was one, so the caller knows to announce it.
 */
export function clearDraft(tx: Tx | Db, threadId: number, userId: number): boolean {
  return (
    tx
      .delete(drafts)
      .where(and(eq(drafts.threadId, threadId), eq(drafts.userId, userId)))
      .run().changes > 0
  );
}
