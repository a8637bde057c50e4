import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { releases } from '../../db/schema.ts';
import {
  buildReleaseIndex,
  matchRelease,
  type CatalogueRelease,
  type EnquiryText,
  type MatchResult,
  type ReleaseIndex,
} from '../domain/release-match/index.ts';

/**
 * Up to this many releases an index is rebuilt in place when the catalogue changed (well under a
 * second); above it the server rebuilds in a worker thread while matching goes on against the index
 * it has, so a large catalogue never stalls ingest or HTTP.
 */
export const SYNC_BUILD_LIMIT = 200;

/** Which state of the catalogue an index was built from. */
export interface CatalogueStamp {
  signature: string;
  size: number;
}

interface Installed {
  stamp: CatalogueStamp;
  index: ReleaseIndex;
  /** Order in which catalogue reads began: a build from an older read never replaces a newer one. */
  read: number;
}

let reads = 0;

/** Numbers a catalogue read about to start (for installReleaseIndex). */
export function nextCatalogueRead(): number {
  return ++reads;
}

const installed = new WeakMap<Db, Installed>();
const backgroundBuilders = new WeakMap<Db, () => void>();

/** The catalogue's current stamp: one cheap query, so an import by the CLI in another process shows too. */
export function catalogueStamp(db: Db): CatalogueStamp {
  const row = db
    .select({
      n: sql<number>`count(*)`,
      maxId: sql<number>`coalesce(max(${releases.id}), 0)`,
      changed: sql<number>`coalesce(max(${releases.updatedAt}), 0)`,
    })
    .from(releases)
    .get()!;
  return { signature: `${row.n}:${row.maxId}:${row.changed}`, size: row.n };
}

/** The catalogue as the matcher reads it, with the stamp of that same state (one read transaction). */
export function loadCatalogue(db: Db): { stamp: CatalogueStamp; releases: CatalogueRelease[] } {
  return db.transaction((tx) => {
    const stamp = catalogueStamp(tx as unknown as Db);
    const rows = tx.select().from(releases).all();
    return {
      stamp,
      releases: rows.map((r) => ({
        id: r.id,
        url: r.url,
        title: r.title,
        language: r.language,
        publishedAt: r.publishedAt,
        body: r.body,
        familyId: r.familyId ?? r.id,
      })),
    };
  });
}

/**
 * Puts an index (built here or in a worker) in use for the catalogue state it was built from; `read`
 * is nextCatalogueRead() taken before that state was read. Returns false when a newer one is in use.
 */
export function installReleaseIndex(
  db: Db,
  stamp: CatalogueStamp,
  index: ReleaseIndex,
  read: number,
): boolean {
  const current = installed.get(db);
  if (current && current.read > read) return false;
  installed.set(db, { stamp, index, read });
  return true;
}

/** The index in use and whether it matches the catalogue as it is now. */
export function installedReleaseIndex(db: Db): { index: ReleaseIndex; fresh: boolean } | null {
  const current = installed.get(db);
  if (!current) return null;
  return { index: current.index, fresh: current.stamp.signature === catalogueStamp(db).signature };
}

/**
 * Lets the server rebuild large catalogues off the event loop: while attached, matchEnquiry keeps
 * using the installed index when the catalogue has changed and calls `request` instead of rebuilding.
 * Returns the detach function.
 */
export function attachBackgroundBuilder(db: Db, request: () => void): () => void {
  backgroundBuilders.set(db, request);
  return () => {
    if (backgroundBuilders.get(db) === request) backgroundBuilders.delete(db);
  };
}

/** The matching index of this database's catalogue, rebuilt here and now when the catalogue changed. */
export function releaseIndex(db: Db): ReleaseIndex {
  const current = installed.get(db);
  const stamp = catalogueStamp(db);
  if (current && current.stamp.signature === stamp.signature) return current.index;
  const read = nextCatalogueRead();
  const loaded = loadCatalogue(db);
  const index = buildReleaseIndex(loaded.releases);
  installed.set(db, { stamp: loaded.stamp, index, read });
  return index;
}

/**
 * The index to match with now: the installed one when it is current; when the catalogue changed,
 * a rebuild here for small catalogues (or with no background builder), else the installed index
 * while the background builder catches up. A message arriving in that window (seconds, on large
 * catalogues only) is matched against the catalogue as it was.
 */
function indexForMatching(db: Db): ReleaseIndex {
  const current = installed.get(db);
  if (!current) return releaseIndex(db);
  const stamp = catalogueStamp(db);
  if (current.stamp.signature === stamp.signature) return current.index;
  const request = backgroundBuilders.get(db);
  if (!request || stamp.size <= SYNC_BUILD_LIMIT) return releaseIndex(db);
  request();
  return current.index;
}

/** Which release an enquiry is about, against the current catalogue. */
export function matchEnquiry(db: Db, enquiry: EnquiryText): MatchResult | null {
  const index = indexForMatching(db);
  // No catalogue yet: nothing to link, and nothing worth computing.
  if (index.releases.length === 0) return null;
  return matchRelease(index, enquiry);
}
