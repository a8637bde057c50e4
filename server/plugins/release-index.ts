import fp from 'fastify-plugin';
import {
  SYNC_BUILD_LIMIT,
  attachBackgroundBuilder,
  catalogueStamp,
  releaseIndex,
} from '../releases/catalogue.ts';
import { createBackgroundIndexBuilder } from '../releases/index-builder.ts';

/**
 * Keeps the release matching index warm: built at start and again soon after the catalogue changes,
 * so an arriving enquiry does not wait for a rebuild inside its ingest transaction. Small catalogues
 * are rebuilt in place (milliseconds); large ones in a worker thread, while matching goes on with the
 * index in use until the new one is installed.
 */
export default fp(
  async (app) => {
    const builder = createBackgroundIndexBuilder(app.db, (err) =>
      app.log.error({ err }, 'could not build the release index'),
    );
    const detach = attachBackgroundBuilder(app.db, () => builder.request());
    let timer: NodeJS.Timeout | null = null;
    const rebuildSoon = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        try {
          if (catalogueStamp(app.db).size > SYNC_BUILD_LIMIT) return builder.request();
          const started = performance.now();
          releaseIndex(app.db);
          app.log.debug({ ms: Math.round(performance.now() - started) }, 'release index ready');
        } catch (err) {
          app.log.error({ err }, 'could not build the release index');
        }
      }, 50);
    };
    const unsubscribe = app.bus.subscribe((event) => {
      if (event.type === 'release.updated' || event.type === 'release.deleted') rebuildSoon();
    });
    app.addHook('onReady', async () => {
      if (catalogueStamp(app.db).size <= SYNC_BUILD_LIMIT) {
        releaseIndex(app.db);
        return;
      }
      // Mail sync starts after this hook: the first enquiries find the index ready, and the build
      // itself runs off the event loop.
      const built = await builder.build();
      if (built)
        app.log.info(
          { releases: built.releases, buildMs: Math.round(built.buildMs) },
          'release index built in a worker thread',
        );
    });
    app.addHook('onClose', async () => {
      unsubscribe();
      detach();
      if (timer) clearTimeout(timer);
      await builder.close();
    });
  },
  { name: 'release-index', dependencies: ['db'] },
);
