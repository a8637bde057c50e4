import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { drafts, users } from '../../db/schema.ts';
import type { Tx } from '../commands/append-events.ts';
import type { Draft } from '../schemas/api.ts';
import { DRAFT_PREVIEW_LENGTH, type DraftUpdatedMessage } from '../schemas/realtime.ts';

/** The drafts on a thread in full, most recently touched first. */
export function presentDrafts(db: Db | Tx, threadId: number): Draft[] {
  return db
    .select({ userId: users.id, userName: users.name, body: drafts.body, updatedAt: drafts.updatedAt })
    .from(drafts)
    .innerJoin(users, eq(users.id, drafts.userId))
    .where(eq(drafts.threadId, threadId))
    .orderBy(desc(drafts.updatedAt), users.id)
    .all()
    .map((d) => ({
      user: { id: d.userId, name: d.userName },
      body: d.body,
      updatedAt: d.updatedAt.toISOString(),
    }));
}

/** The live message about a draft: a short preview only, the full text stays in the thread detail. */
export function draftUpdatedMessage(
  threadId: number,
  userId: number,
  draft: Draft | null,
): DraftUpdatedMessage {
  if (!draft) return { type: 'draft.updated', threadId, userId, draft: null };
  // Cut by code point so an Arabic or emoji character is never split in half.
  const chars = [...draft.body];
  return {
    type: 'draft.updated',
    threadId,
    userId,
    draft: {
      user: draft.user,
      body: chars.slice(0, DRAFT_PREVIEW_LENGTH).join(''),
      truncated: chars.length > DRAFT_PREVIEW_LENGTH,
      updatedAt: draft.updatedAt,
    },
  };
}
