import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { notes, threads } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Actor, Note } from '../schemas/api.ts';
import type { SequencedEvent } from '../schemas/realtime.ts';
import { appendEvents } from './append-events.ts';

/** Staff add an internal note to a thread (never sent); colleagues see it live. */
export function addNote(
  db: Db,
  threadId: number,
  body: string,
  author: Actor,
  now: Date,
): { note: Note; events: SequencedEvent[] } {
  const text = body.replace(/\r\n?/g, '\n').trim();
  if (!text) throw new AppError('empty_note', 400, 'a note needs some text');
  return db.transaction((tx) => {
    const thread = tx
      .select({ mergedInto: threads.mergedInto })
      .from(threads)
      .where(eq(threads.id, threadId))
      .get();
    if (!thread) throw new AppError('not_found', 404, `no thread ${threadId}`);
    if (thread.mergedInto !== null)
      throw new AppError('thread_merged', 409, `thread ${threadId} was merged into ${thread.mergedInto}`);
    const row = tx
      .insert(notes)
      .values({ threadId, authorUserId: author.id, body: text, createdAt: now })
      .returning({ id: notes.id })
      .get();
    const note: Note = { id: row.id, threadId, author, body: text, createdAt: now.toISOString() };
    return { note, events: appendEvents(tx, [{ type: 'note.created', threadId, note }], now, author.id) };
  });
}
