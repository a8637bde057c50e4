// Rebuilds a large catalogue's matching index in a worker thread (index-worker.ts) and installs the
// result, so ingest and HTTP stay responsive while the catalogue changes. Requests made while a build
// runs are folded into one more build after it.
import { Worker } from 'node:worker_threads';
import type { Db } from '../../db/client.ts';
import { releaseIndexFromData, type ReleaseIndexData } from '../domain/release-match/index.ts';
import { installReleaseIndex, loadCatalogue, nextCatalogueRead, type CatalogueStamp } from './catalogue.ts';
import type { IndexBuildMessage, IndexBuildRequest } from './index-worker.ts';

export interface IndexBuildResult {
  /** Time in the worker building the index. */
  buildMs: number;
  /** Main-thread time turning the worker's data back into an index and installing it. */
  installMs: number;
  releases: number;
}

export interface BackgroundIndexBuilder {
  /** Asks for a rebuild soon (coalesced with one already asked for or running). */
  request(): void;
  /** Rebuilds now (or after the running build) and resolves once an index of the catalogue is installed. */
  build(): Promise<IndexBuildResult | null>;
  /** Stops: a running build is abandoned. */
  close(): Promise<void>;
}

const WORKER_URL = new URL('./index-worker.ts', import.meta.url).href;
// The worker is TypeScript like the rest of the server. Loader hooks registered in this thread do
// not reach worker threads on Node 20, so a two-line bootstrap registers tsx there first.
const BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => tsx.tsImport(${JSON.stringify(WORKER_URL)}, ${JSON.stringify(import.meta.url)}))`;

export interface WorkerResult {
  stamp: CatalogueStamp;
  buildMs: number;
  index: ReleaseIndexData['index'];
}

/** Runs one build in a fresh worker (its memory goes back when it exits), receiving it piece by piece. */
export function runWorker(
  request: IndexBuildRequest,
  onWorker: (w: Worker) => void = () => undefined,
): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: request });
    onWorker(worker);
    let settled = false;
    const finish = (err: Error | null, result?: WorkerResult): void => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(result!);
      void worker.terminate();
    };
    const releases: ReleaseIndexData['index']['releases'] = [];
    const maps = new Map<string, Map<unknown, unknown>>();
    worker.on('message', (m: IndexBuildMessage) => {
      if (m.kind === 'error') return finish(new Error(m.error));
      if (m.kind === 'releases') {
        for (const r of m.items) releases.push(r);
      } else if (m.kind !== 'done') {
        const map = maps.get(m.kind) ?? new Map<unknown, unknown>();
        for (const [k, v] of m.entries) map.set(k, v);
        maps.set(m.kind, map);
      } else {
        const map = <K, V>(kind: string): Map<K, V> => (maps.get(kind) ?? new Map()) as Map<K, V>;
        return finish(null, {
          stamp: m.stamp,
          buildMs: m.buildMs,
          index: {
            ...m.rest,
            releases,
            byUrl: map('byUrl'),
            titleGrams: map('titleGrams'),
            familyMembers: map('familyMembers'),
            lexicon: map('lexicon'),
            bm25: { ...m.rest.bm25, termIds: map('terms') },
          },
        });
      }
      worker.postMessage('next');
    });
    worker.once('error', (err) => finish(err));
    worker.once('exit', (code) => finish(new Error(`index worker exited with code ${code}`)));
  });
}

export function createBackgroundIndexBuilder(
  db: Db,
  onError: (err: unknown) => void = () => undefined,
): BackgroundIndexBuilder {
  let running: Promise<IndexBuildResult | null> | null = null;
  let again = false;
  let closed = false;
  let worker: Worker | null = null;

  const once = async (): Promise<IndexBuildResult | null> => {
    const read = nextCatalogueRead();
    const client = db.$client;
    // A file the worker can open itself keeps even the catalogue read off this thread.
    const request: IndexBuildRequest = client.memory ? loadCatalogue(db) : { dbPath: client.name };
    const reply = await runWorker(request, (w) => (worker = w)).finally(() => (worker = null));
    if (closed) return null;
    const started = performance.now();
    const index = releaseIndexFromData(reply.index);
    installReleaseIndex(db, reply.stamp, index, read);
    return {
      buildMs: reply.buildMs,
      installMs: performance.now() - started,
      releases: index.releases.length,
    };
  };

  const loop = async (): Promise<IndexBuildResult | null> => {
    let last: IndexBuildResult | null = null;
    do {
      again = false;
      try {
        last = await once();
      } catch (err) {
        if (!closed) onError(err);
      }
    } while (again && !closed);
    running = null;
    return last;
  };

  return {
    request() {
      if (closed) return;
      if (running) again = true;
      else running = loop();
    },
    build() {
      if (closed) return Promise.resolve(null);
      if (running) again = true;
      else running = loop();
      return running;
    },
    async close() {
      closed = true;
      const w = worker as Worker | null;
      if (w) await w.terminate();
      await running?.catch(() => undefined);
    },
  };
}
