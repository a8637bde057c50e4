import { eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { messages, releases, threads } from '../../db/schema.ts';
import type { ReleaseStats } from '../schemas/api.ts';

/** The middle value (mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per translation family: enquiry counts, their languages and the median first-response time. */
export function presentReleaseStats(db: Db): ReleaseStats {
  const rows = db
    .select({
      familyId: sql<number>`coalesce(${releases.familyId}, ${releases.id})`,
      status: threads.status,
      firstMessageAt: threads.firstMessageAt,
      firstResponseAt: threads.firstResponseAt,
      language: sql<
        string | null
      >`(select ${messages.language} from ${messages} where ${messages.threadId} = ${threads.id} and ${messages.direction} = 'in' order by ${messages.date}, ${messages.id} limit 1)`,
    })
    .from(threads)
    .innerJoin(releases, eq(releases.id, threads.releaseId))
    .where(isNull(threads.mergedInto))
    .all();
  const families = new Map<
    number,
    { total: number; open: number; languages: Map<string, number>; responseMinutes: number[] }
  >();
  for (const row of rows) {
    let f = families.get(row.familyId);
    if (!f) {
      f = { total: 0, open: 0, languages: new Map(), responseMinutes: [] };
      families.set(row.familyId, f);
    }
    f.total++;
    if (row.status === 'new' || row.status === 'open' || row.status === 'waiting') f.open++;
    if (row.language) f.languages.set(row.language, (f.languages.get(row.language) ?? 0) + 1);
    if (row.firstResponseAt) {
      f.responseMinutes.push(
        Math.max(0, (row.firstResponseAt.getTime() - row.firstMessageAt.getTime()) / 60_000),
      );
    }
  }
  return {
    releases: [...families.entries()]
      .sort(([a], [b]) => a - b)
      .map(([familyId, f]) => ({
        familyId,
        total: f.total,
        open: f.open,
        languages: [...f.languages.entries()]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .map(([language, count]) => ({ language, count })),
        medianFirstResponseMinutes: median(f.responseMinutes),
        answered: f.responseMinutes.length,
      })),
  };
}
