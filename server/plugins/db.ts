import fp from 'fastify-plugin';
import { closeDb, openMigratedDb, type Db } from '../../db/client.ts';
import type { EventBus } from '../events.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    bus: EventBus;
    now: () => Date;
  }
}

export interface DbPluginOptions {
  path: string;
  /** A db the caller owns (tests, CLI); otherwise one is opened here and closed with the app. */
  db?: Db;
  bus: EventBus;
  now: () => Date;
}

/** Opens and migrates the database, and shares the event bus and clock with every other plugin. */
export default fp<DbPluginOptions>(
  async (app, options) => {
    const db = options.db ?? openMigratedDb(options.path);
    app.decorate('db', db);
    app.decorate('bus', options.bus);
    app.decorate('now', options.now);
    if (!options.db) app.addHook('onClose', async () => closeDb(db));
  },
  { name: 'db' },
);
