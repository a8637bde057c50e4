import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { ensureFirstAdmin } from '../../server/commands/users.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { closeDb, openMigratedDb, type Db } from '../../db/client.ts';
import { ImageRefused, type FetchImage } from '../../server/mail/remote-images.ts';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  config: Config;
  /** http://127.0.0.1:PORT once listening. */
  url: string;
  admin: { email: string; password: string };
  /** Runs a raw RFC 5322 message through the real ingest pipeline (as `newsdesk mail import` does). */
  ingestRaw(raw: Buffer | string): Promise<void>;
  /** Signs in over HTTP and returns the Cookie header value. */
  login(): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Listen on a loopback port (for browsers and websockets); inject() works either way. */
  listen?: boolean;
  dbPath?: string;
  /** Remote images of allowed senders; by default every fetch is refused (tests never reach the internet). */
  fetchImage?: FetchImage;
}

export const TEST_ADMIN = { email: 'admin@newsdesk.test', password: 'correct horse battery' };

/** A fresh migrated SQLite file in a temp dir, with the owning directory for cleanup. */
export function tempDbPath(): { path: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'newsdesk-test-'));
  return { path: join(dir, 'newsdesk.db'), dir };
}

/** Builds the real app on a temp SQLite file with a first admin, optionally listening. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const temp = options.dbPath ? null : tempDbPath();
  const dbPath = options.dbPath ?? temp!.path;
  const config = loadConfig({
    NEWSDESK_DB: dbPath,
    NEWSDESK_PORT: '1',
    NEWSDESK_ADMIN_EMAIL: TEST_ADMIN.email,
    NEWSDESK_ADMIN_PASSWORD: TEST_ADMIN.password,
    NEWSDESK_ADDRESS: 'newsdesk@newsdesk.test',
    NEWSDESK_LOG_LEVEL: process.env.NEWSDESK_TEST_LOG ?? 'silent',
    ...options.env,
  });
  const db = openMigratedDb(dbPath);
  await ensureFirstAdmin(db, config.admin, new Date());
  const app = await buildApp(config, {
    db,
    logger: { level: config.logLevel },
    imapBackoff: { baseMs: 100, capMs: 1_000, authCapMs: 2_000 },
    // Sender verification runs as in production, against a DNS that knows nothing (never live DNS).
    resolver: async (name) => {
      throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    },
    fetchImage:
      options.fetchImage ??
      (async (url) => {
        throw new ImageRefused('unresolved', `no network in tests: ${url}`);
      }),
  });
  let url = '';
  if (options.listen !== false) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address && typeof address === 'object') url = `http://127.0.0.1:${address.port}`;
  } else {
    await app.ready();
  }
  return {
    app,
    db,
    config,
    url,
    admin: TEST_ADMIN,
    async ingestRaw(raw) {
      await app.pipeline.ingestRaw(Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8'), { kind: 'import' });
    },
    async login() {
      const response = await app.inject({ method: 'POST', url: '/api/session', payload: TEST_ADMIN });
      if (response.statusCode !== 200)
        throw new Error(`login failed: ${response.statusCode} ${response.body}`);
      const cookie = response.cookies.find((c) => c.name === 'newsdesk_session');
      if (!cookie) throw new Error('login set no session cookie');
      return `newsdesk_session=${cookie.value}`;
    },
    async close() {
      await app.close();
      closeDb(db);
      if (temp) rmSync(temp.dir, { recursive: true, force: true });
    },
  };
}
