import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { releases, savedReplies } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Actor, SavedReplyInput, SavedReplyPatch } from '../schemas/api.ts';
import type { Tx } from './append-events.ts';

// Stored lower-case so "AR" and "ar" are one language when filtering.
const languageTag = (language: string) => language.trim().toLowerCase();

function text(value: string, field: string): string {
  const cleaned = value.replace(/\r\n?/g, '\n');
  if (!cleaned.trim()) throw new AppError('invalid_saved_reply', 400, `${field} needs some text`);
  return cleaned;
}

function checkRelease(tx: Tx, releaseId: number | null | undefined): void {
  if (releaseId === null || releaseId === undefined) return;
  if (!tx.select({ id: releases.id }).from(releases).where(eq(releases.id, releaseId)).get())
    throw new AppError('unknown_release', 400, `no release ${releaseId}`);
}

/** Adds a saved reply, or a line to take when `releaseId` is set; returns its id. */
export function createSavedReply(db: Db, input: SavedReplyInput, author: Actor, now: Date): number {
  return db.transaction((tx) => {
    checkRelease(tx, input.releaseId);
    return tx
      .insert(savedReplies)
      .values({
        title: text(input.title, 'title').trim(),
        language: languageTag(input.language),
        body: text(input.body, 'body'),
        releaseId: input.releaseId ?? null,
        createdByUserId: author.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: savedReplies.id })
      .get().id;
  });
}

/** Changes the given fields of a saved reply (releaseId null: no longer tied to a release). */
export function updateSavedReply(db: Db, id: number, patch: SavedReplyPatch, now: Date): void {
  db.transaction((tx) => {
    if (!tx.select({ id: savedReplies.id }).from(savedReplies).where(eq(savedReplies.id, id)).get())
      throw new AppError('not_found', 404, `no saved reply ${id}`);
    checkRelease(tx, patch.releaseId);
    tx.update(savedReplies)
      .set({
        ...(patch.title !== undefined ? { title: text(patch.title, 'title').trim() } : {}),
        ...(patch.language !== undefined ? { language: languageTag(patch.language) } : {}),
        ...(patch.body !== undefined ? { body: text(patch.body, 'body') } : {}),
        ...(patch.releaseId !== undefined ? { releaseId: patch.releaseId } : {}),
        updatedAt: now,
      })
      .where(eq(savedReplies.id, id))
      .run();
  });
}

/** Deletes a saved reply. */
export function deleteSavedReply(db: Db, id: number): void {
  const result = db.delete(savedReplies).where(eq(savedReplies.id, id)).run();
  if (result.changes === 0) throw new AppError('not_found', 404, `no saved reply ${id}`);
}
