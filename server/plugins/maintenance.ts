import fp from 'fastify-plugin';
import { backfillLanguages } from '../commands/backfill-languages.ts';
import { compactEvents } from '../commands/compact-events.ts';
import { pruneUploads } from '../commands/prune-uploads.ts';
import { backfillSearchIndex } from '../commands/search-index.ts';

const EVERY_MS = 60 * 60_000;

/** Housekeeping (old event payloads compacted, archive backfills, unsent uploads removed): runs at start, then hourly. */
export default fp(
  async (app) => {
    let timer: NodeJS.Timeout | null = null;
    let running: Promise<unknown> | null = null;
    const run = () => {
      running ??= Promise.all([
        compactEvents(app.db, app.now),
        backfillLanguages(app.db, app.now),
        Promise.resolve().then(() => pruneUploads(app.db, app.now())),
      ])
        .catch((err: unknown) => app.log.error({ err }, 'maintenance failed'))
        .finally(() => (running = null));
    };
    app.addHook('onReady', async () => {
      // A database from before search existed (or restored without the index) is indexed once,
      // before mail sync starts (registered after this plugin), so ingest never races the backfill.
      const indexed = backfillSearchIndex(app.db);
      if (indexed > 0) app.log.info({ messages: indexed }, 'search index built from stored messages');
      run();
      timer = setInterval(run, EVERY_MS);
      timer.unref();
    });
    app.addHook('preClose', async () => {
      if (timer) clearInterval(timer);
      await running;
    });
  },
  { name: 'maintenance', dependencies: ['db'] },
);
