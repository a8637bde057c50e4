import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { releases } from '../../db/schema.ts';
import {
  buildReleaseIndex,
  matchRelease,
  type EnquiryText,
  type MatchResult,
  type ReleaseIndex,
} from '../domain/release-match/index.ts';

interface Cached {
  signature: string;
  index: ReleaseIndex;
}

const cache = new WeakMap<Db, Cached>();

/**
 * The matching index of this database's catalogue, rebuilt when the catalogue changed (checked with
 * one cheap query, so an import by the CLI in another process is picked up too).
 */
export function releaseIndex(db: Db): ReleaseIndex {
  const stamp = db
    .select({
      n: sql<number>`count(*)`,
      maxId: sql<number>`coalesce(max(${releases.id}), 0)`,
      changed: sql<number>`coalesce(max(${releases.updatedAt}), 0)`,
    })
    .from(releases)
    .get()!;
  const signature = `${stamp.n}:${stamp.maxId}:${stamp.changed}`;
  const cached = cache.get(db);
  if (cached && cached.signature === signature) return cached.index;
  const rows = db.select().from(releases).all();
  const index = buildReleaseIndex(
    rows.map((r) => ({
      id: r.id,
      url: r.url,
      title: r.title,
      language: r.language,
      publishedAt: r.publishedAt,
      body: r.body,
      familyId: r.familyId ?? r.id,
    })),
  );
  cache.set(db, { signature, index });
  return index;
}

/** Which release an enquiry is about, against the current catalogue. */
export function matchEnquiry(db: Db, enquiry: EnquiryText): MatchResult | null {
  const index = releaseIndex(db);
  // No catalogue yet: nothing to link, and nothing worth computing.
  if (index.releases.length === 0) return null;
  return matchRelease(index, enquiry);
}
