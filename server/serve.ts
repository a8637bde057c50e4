import { closeDb, openMigratedDb } from '../db/client.ts';
import { buildApp } from './app.ts';
import { ensureFirstAdmin } from './commands/users.ts';
import type { Config } from './config.ts';

/** config → db → app → listen, with a graceful close on SIGINT/SIGTERM. */
export async function serve(config: Config): Promise<void> {
  const db = openMigratedDb(config.dbPath);
  const admin = await ensureFirstAdmin(db, config.admin, new Date());
  const app = await buildApp(config, { db });
  if (admin) app.log.info({ email: admin.email }, 'created the first admin account');
  if (!config.imap) app.log.warn('no mailbox configured: set NEWSDESK_IMAP_URL (or run `npm run demo`)');
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    closeDb(db);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ host: config.host, port: config.port });
}
