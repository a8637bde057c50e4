import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { messages, settings } from '../../db/schema.ts';
import { detectLanguage } from '../domain/language.ts';

const WATERMARK_KEY = 'messages.languageBackfilledThrough';
const BATCH = 500;

/**
 * Messages stored before languages were detected at ingest get one now, in small batches, so the
 * inbox's language filter and the release stats cover the whole archive. Returns how many rows it
 * looked at (0 when done). A watermark keeps undetectable messages from being looked at again.
 */
export function backfillLanguagesBatch(db: Db, now: Date): number {
  return db.transaction((tx) => {
    const mark = tx.select().from(settings).where(eq(settings.key, WATERMARK_KEY)).get();
    const from = mark ? Number(mark.value) : 0;
    const rows = tx
      .select({ id: messages.id, subject: messages.subject, text: messages.text })
      .from(messages)
      .where(and(gt(messages.id, from), isNull(messages.language)))
      .orderBy(asc(messages.id))
      .limit(BATCH)
      .all();
    if (rows.length === 0) return 0;
    for (const row of rows) {
      const language = detectLanguage(`${row.subject}\n${row.text}`);
      if (language) tx.update(messages).set({ language }).where(eq(messages.id, row.id)).run();
    }
    const through = rows.at(-1)!.id;
    tx.insert(settings)
      .values({ key: WATERMARK_KEY, value: through, updatedAt: now })
      .onConflictDoUpdate({ target: settings.key, set: { value: through, updatedAt: now } })
      .run();
    return rows.length;
  });
}

/** Runs every batch, yielding to the event loop between them. */
export async function backfillLanguages(db: Db, now: () => Date): Promise<number> {
  let total = 0;
  for (let n = backfillLanguagesBatch(db, now()); n > 0; n = backfillLanguagesBatch(db, now())) {
    total += n;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return total;
}
