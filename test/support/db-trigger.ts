/**
 * Runs a command the moment a SQLite query on the app's database reaches a threshold, from a worker
 * thread. The in-process app ingests a whole IMAP batch without yielding to the event loop, so a
 * timer on the test's main thread cannot fire mid-batch; a worker has its own loop and can.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface DbTriggerOptions {
  dbPath: string;
  /** A query returning one row with a numeric column `n`. */
  sql: string;
  atLeast: number;
  /** Executable and arguments run (synchronously, from the worker) once `n >= atLeast`. */
  command: [string, ...string[]];
  timeoutMs?: number;
  intervalMs?: number;
}

export interface DbTriggerResult {
  /** `n` as seen just before the command ran. */
  seen: number;
  /** Wall-clock time (Date.now()) just before the command ran. */
  firedAt: number;
  stdout: string;
}

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const Database = require(workerData.sqlitePath);
const { dbPath, sql, atLeast, command, timeoutMs, intervalMs } = workerData;
const deadline = Date.now() + timeoutMs;
let db = null;
let last = 'db not opened';
const tick = () => {
  try {
    if (!db && fs.existsSync(dbPath)) db = new Database(dbPath, { readonly: true, fileMustExist: true });
    if (db) {
      const n = db.prepare(sql).get().n;
      last = 'n=' + n;
      if (n >= atLeast) {
        const firedAt = Date.now();
        const stdout = execFileSync(command[0], command.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        db.close();
        parentPort.postMessage({ ok: true, seen: n, firedAt, stdout });
        return;
      }
    }
  } catch (err) {
    last = String(err && err.message || err);
  }
  if (Date.now() > deadline) {
    if (db) db.close();
    parentPort.postMessage({ ok: false, error: 'trigger timed out (' + last + ')' });
    return;
  }
  setTimeout(tick, intervalMs);
};
tick();
`;

/** Starts watching at once; the promise settles after the command ran (or the deadline passed). */
export function runWhenDbReaches(options: DbTriggerOptions): Promise<DbTriggerResult> {
  const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { timeoutMs: 20_000, intervalMs: 2, ...options, sqlitePath },
  });
  return new Promise<DbTriggerResult>((resolve, reject) => {
    worker.once('message', (msg: ({ ok: true } & DbTriggerResult) | { ok: false; error: string }) => {
      void worker.terminate();
      if (msg.ok) resolve({ seen: msg.seen, firedAt: msg.firedAt, stdout: msg.stdout });
      else reject(new Error(msg.error));
    });
    worker.once('error', reject);
  });
}
