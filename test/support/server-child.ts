/**
 * The real server (`node --import tsx server/main.ts`) as a child process, for tests that must kill it
 * the hard way (SIGKILL) and start it again on the same database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerChild {
  pid: number;
  port: number;
  url: string;
  logFile: string;
  /** Resolves when the process has exited (by any means). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILLs the whole process group and waits until the child is reaped. */
  kill(): Promise<void>;
}

/** A port nothing listens on right now (the kernel picks it; tiny race until the child binds). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: already gone.
  }
}

// The server runs under a tiny shell in its own process group. The shell holds the read end of a
// pipe from us: if the test process dies in any way (vitest stops workers with SIGTERM, which skips
// 'exit' handlers), `read` sees EOF and the shell SIGKILLs the whole group, so no server outlives
// its test. It otherwise waits for the server and passes its exit status on.
const WATCHDOG = `exec 3<&0
"$0" --import tsx server/main.ts </dev/null &
srv=$!
{ read _ignored <&3; kill -KILL 0; } &
guard=$!
wait $srv
code=$?
kill $guard 2>/dev/null
exit $code`;

/** Live members of a process group (zombies excluded: they hold no port or file). */
function groupAlive(pgid: number): boolean {
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) return true;
    } catch {
      // Exited while we looked.
    }
  }
  return false;
}

/**
 * Starts the server with only the given NEWSDESK_* variables (plus PATH/HOME), so a developer's
 * environment or .env-like leftovers cannot leak in. Output goes to `logFile` (appended), which
 * survives kills and restarts for post-mortems.
 */
export function spawnServer(env: Record<string, string>, logFile: string, port: number): ServerChild {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Ordinary exits: 'exit' handlers must be synchronous, so just signal the groups.
    process.on('exit', () => {
      for (const c of liveChildren) if (c.pid) killGroup(c.pid);
    });
  }
  const fd = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('/bin/sh', ['-c', WATCHDOG, process.execPath], {
      cwd: PROJECT_ROOT,
      // setsid(): the shell leads a new process group, so a SIGKILL to -pid reaches the server too.
      detached: true,
      stdio: ['pipe', fd, fd],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/root',
        NEWSDESK_HOST: '127.0.0.1',
        NEWSDESK_PORT: String(port),
        ...env,
      },
    });
  } finally {
    fs.closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('spawn of the server failed');
  child.stdin?.on('error', () => undefined);
  liveChildren.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      resolveExit({ code, signal });
    }),
  );
  child.once('error', () => undefined);
  return {
    pid,
    port,
    url: `http://127.0.0.1:${port}`,
    logFile,
    exited,
    async kill() {
      killGroup(pid);
      await exited;
      // The shell is reaped; wait until the server process itself is gone too (it holds the db).
      const deadline = Date.now() + 5_000;
      while (groupAlive(pid)) {
        if (Date.now() > deadline) throw new Error(`server process group ${pid} survived SIGKILL`);
        killGroup(pid);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

export function tailFile(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
