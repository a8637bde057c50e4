// Worker thread: builds the release matching index and hands it back as data (typed arrays moved, not
// copied), so building a large catalogue never runs on the main thread's event loop. It reads the
// catalogue from the database file itself (read-only) or takes it in the request for in-memory ones.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from '../../db/schema.ts';
import type { Db } from '../../db/client.ts';
import {
  buildReleaseIndex,
  releaseIndexToData,
  type CatalogueRelease,
  type ReleaseIndexData,
} from '../domain/release-match/index.ts';
import { loadCatalogue, type CatalogueStamp } from './catalogue.ts';

export type IndexBuildRequest = { dbPath: string } | { releases: CatalogueRelease[]; stamp: CatalogueStamp };

type IndexData = ReleaseIndexData['index'];
/** The fields sent piece by piece: the ones whose copy costs the receiving thread time. */
export const CHUNKED_MAPS = ['byUrl', 'titleGrams', 'familyMembers', 'lexicon'] as const;

/**
 * The index crosses in small messages, each sent when the main thread asks for the next: decoding
 * one takes a few milliseconds there, and other work runs between them.
 */
export type IndexBuildMessage =
  | { kind: 'releases'; items: IndexData['releases'] }
  | { kind: (typeof CHUNKED_MAPS)[number] | 'terms'; entries: [unknown, unknown][] }
  | {
      kind: 'done';
      stamp: CatalogueStamp;
      buildMs: number;
      rest: Omit<IndexData, 'releases' | (typeof CHUNKED_MAPS)[number] | 'bm25'> & {
        bm25: Omit<IndexData['bm25'], 'termIds'>;
      };
    }
  | { kind: 'error'; error: string };

const RELEASES_PER_MESSAGE = 500;
const ENTRIES_PER_MESSAGE = 2000;

function* messages(request: IndexBuildRequest): Generator<[IndexBuildMessage, ArrayBuffer[]]> {
  let catalogue: { stamp: CatalogueStamp; releases: CatalogueRelease[] };
  if ('dbPath' in request) {
    const sqlite = new Database(request.dbPath, { readonly: true, fileMustExist: true });
    try {
      sqlite.pragma('busy_timeout = 5000');
      catalogue = loadCatalogue(drizzle(sqlite, { schema }) as Db);
    } finally {
      sqlite.close();
    }
  } else {
    catalogue = request;
  }
  const started = performance.now();
  const { index, transfer } = releaseIndexToData(buildReleaseIndex(catalogue.releases));
  const buildMs = performance.now() - started;
  for (let i = 0; i < index.releases.length; i += RELEASES_PER_MESSAGE)
    yield [{ kind: 'releases', items: index.releases.slice(i, i + RELEASES_PER_MESSAGE) }, []];
  const maps: [IndexBuildMessage['kind'], Map<unknown, unknown>][] = [
    ...CHUNKED_MAPS.map((k) => [k, index[k]] as [IndexBuildMessage['kind'], Map<unknown, unknown>]),
    ['terms', index.bm25.termIds],
  ];
  for (const [kind, map] of maps) {
    const entries = [...map];
    for (let i = 0; i < entries.length; i += ENTRIES_PER_MESSAGE)
      yield [{ kind, entries: entries.slice(i, i + ENTRIES_PER_MESSAGE) } as IndexBuildMessage, []];
  }
  const { releases: _r, byUrl: _u, titleGrams: _t, familyMembers: _f, lexicon: _l, bm25, ...rest } = index;
  const { termIds: _ids, ...postings } = bm25;
  yield [{ kind: 'done', stamp: catalogue.stamp, buildMs, rest: { ...rest, bm25: postings } }, transfer];
}

if (parentPort) {
  const port = parentPort;
  let it: Generator<[IndexBuildMessage, ArrayBuffer[]]> | null = null;
  const next = (): void => {
    try {
      it ??= messages(workerData as IndexBuildRequest);
      const step = it.next();
      if (!step.done) port.postMessage(step.value[0], step.value[1]);
    } catch (err) {
      port.postMessage({ kind: 'error', error: err instanceof Error ? err.message : String(err) });
    }
  };
  port.on('message', next);
  next();
}
