import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { users } from '../../db/schema.ts';
import type { UiLanguage } from '../schemas/api.ts';

/**
 * An officer changes their own UI language or reply signature. No event: nobody else's screen
 * shows either, and the officer's own tabs read them at start.
 */
export function updateOwnPreferences(
  db: Db,
  userId: number,
  changes: { language?: UiLanguage; signature?: string },
): void {
  const set: Partial<typeof users.$inferInsert> = {};
  if (changes.language !== undefined) set.language = changes.language;
  // Line endings as the composer uses them; trailing blank lines would push the reply apart.
  if (changes.signature !== undefined) set.signature = changes.signature.replace(/\r\n?/g, '\n').trimEnd();
  if (Object.keys(set).length === 0) return;
  db.update(users).set(set).where(eq(users.id, userId)).run();
}
