import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { releases, threads } from '../../db/schema.ts';
import type { Tx } from '../commands/append-events.ts';
import type { Release } from '../schemas/api.ts';

type Reader = Db | Tx;
type ReleaseRow = typeof releases.$inferSelect;

function counts(db: Reader, familyIds: number[]): Map<number, { open: number; total: number }> {
  if (familyIds.length === 0) return new Map();
  // Enquiries are counted per statement: a thread linked to the Arabic version counts for the English one too.
  const rows = db
    .select({
      familyId: releases.familyId,
      total: sql<number>`count(${threads.id})`,
      open: sql<number>`sum(case when ${threads.status} in ('new', 'open', 'waiting') then 1 else 0 end)`,
    })
    .from(threads)
    .innerJoin(releases, eq(releases.id, threads.releaseId))
    .where(sql`${threads.mergedInto} is null and ${inArray(releases.familyId, familyIds)}`)
    .groupBy(releases.familyId)
    .all();
  return new Map(rows.map((r) => [r.familyId!, { open: r.open ?? 0, total: r.total }]));
}

function present(
  rows: ReleaseRow[],
  family: ReleaseRow[],
  enquiryCounts: Map<number, { open: number; total: number }>,
): Release[] {
  return rows.map((row) => {
    const familyId = row.familyId ?? row.id;
    return {
      id: row.id,
      url: row.url,
      title: row.title,
      language: row.language,
      publishedAt: row.publishedAt.toISOString(),
      familyId,
      translationOf: row.translationOfUrl,
      translations: family
        .filter((f) => (f.familyId ?? f.id) === familyId && f.id !== row.id)
        .map((f) => ({ id: f.id, url: f.url, language: f.language, title: f.title })),
      enquiries: enquiryCounts.get(familyId) ?? { open: 0, total: 0 },
    };
  });
}

/** Every release, newest first, with its translations and enquiry counts. */
export function presentReleases(db: Reader): Release[] {
  const rows = db
    .select()
    .from(releases)
    .orderBy(sql`${releases.publishedAt} desc`, asc(releases.id))
    .all();
  const familyIds = [...new Set(rows.map((r) => r.familyId ?? r.id))];
  return present(rows, rows, counts(db, familyIds));
}

/** One release as the API and websocket show it; null when absent. */
export function presentRelease(db: Reader, id: number): Release | null {
  const row = db.select().from(releases).where(eq(releases.id, id)).get();
  if (!row) return null;
  const familyId = row.familyId ?? row.id;
  const family = db.select().from(releases).where(eq(releases.familyId, familyId)).all();
  return present([row], family, counts(db, [familyId]))[0]!;
}
