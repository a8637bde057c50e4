import fp from 'fastify-plugin';
import { releaseIndex } from '../releases/catalogue.ts';

/**
 * Keeps the release matching index warm: built at start and again soon after the catalogue changes,
 * so an arriving enquiry does not wait for a rebuild inside its ingest transaction.
 */
export default fp(
  async (app) => {
    let timer: NodeJS.Timeout | null = null;
    const rebuildSoon = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        try {
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
    app.addHook('onReady', async () => rebuildSoon());
    app.addHook('onClose', async () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    });
  },
  { name: 'release-index', dependencies: ['db'] },
);
