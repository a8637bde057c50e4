import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Opens (creating if needed) the SQLite database with the pragmas Newsdesk relies on. */
export function openDb(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL under WAL can lose the last commits on power loss, never corrupt; the IMAP checkpoint
  // commits with its message, so a lost tail is simply fetched again.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return drizzle(sqlite, { schema }) as Db;
}

/** Applies the committed drizzle-kit migrations. */
export function migrateDb(db: Db): void {
  migrate(db, { migrationsFolder });
}

/** Opens and migrates: what the server and every CLI command start with. */
export function openMigratedDb(path: string): Db {
  const db = openDb(path);
  migrateDb(db);
  return db;
}

export function closeDb(db: Db): void {
  if (db.$client.open) db.$client.close();
}
