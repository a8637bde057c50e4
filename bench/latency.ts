/**
 * Live latency: with Newsdesk idling on a real mail stack and a websocket client connected, send
 * probes one at a time through Postfix and time SMTP submission → `thread.created` on the socket.
 * A bare imapflow client IDLEs on the same INBOX and gives the floor for each probe (submission →
 * its `exists`): Dovecot 2.3 batches IDLE notifications for 500 ms, so neither can beat ~0.5 s.
 */
import { ImapFlow } from 'imapflow';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../test/support/app.ts';
import { startMailStack, type MailStack } from '../test/support/mailstack.ts';
import { sendMail } from '../test/support/send-mail.ts';
import { probeMessage, seededRandom } from './corpus.ts';
import { fmtMs, log, percentile, sleep, type Section } from './util.ts';

export interface LatencyOptions {
  probes: number;
  /** Unreported probes first, so JIT warm-up and first-connection costs don't skew the figures. */
  warmup?: number;
  seed?: number;
  timeoutMs?: number;
}

const USER = 'newsdesk@newsdesk.test';
const TOKEN = /\[(P\d{3}-[0-9a-z]{6})\]/;

type ServerMessage = { type: string; thread?: { subject?: string } };

/** Resolves the first time `key` is reported; reports may come before or after the wait starts. */
class Arrivals<K> {
  #seen = new Map<K, number>();
  #waiting = new Map<K, (at: number) => void>();

  report(key: K, at: number): void {
    if (this.#seen.has(key)) return;
    this.#seen.set(key, at);
    this.#waiting.get(key)?.(at);
    this.#waiting.delete(key);
  }

  wait(key: K, timeoutMs: number, what: string): Promise<number> {
    const at = this.#seen.get(key);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(key);
        reject(new Error(`${what}: nothing within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(key, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  }
}

async function waitForIdle(t: TestApp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.app.inject({ url: '/api/health' });
    if ((res.json() as { mailboxes: { state: string }[] }).mailboxes[0]?.state === 'idle') return;
    if (Date.now() > deadline) throw new Error('newsdesk mailbox never reached idle');
    await sleep(50);
  }
}

async function openSocket(t: TestApp, cookie: string, arrivals: Arrivals<string>): Promise<WebSocket> {
  const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/api/ws`, { headers: { cookie } });
  const hello = new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', (code: number) => reject(new Error(`websocket closed (${code}) before hello`)));
    socket.on('message', (data: WebSocket.RawData) => {
      const at = performance.now();
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'hello') resolve();
      if (message.type !== 'thread.created') return;
      const token = TOKEN.exec(message.thread?.subject ?? '')?.[1];
      if (token) arrivals.report(token, at);
    });
  });
  await hello;
  // A later error surfaces as a timed-out probe; unhandled it would crash the run instead.
  socket.on('error', (err: Error) => log(`websocket error: ${err.message}`));
  return socket;
}

/** The floor: a plain imapflow client in IDLE on the same INBOX, reporting each new message count. */
async function openIdleClient(
  stack: MailStack,
  arrivals: Arrivals<number>,
): Promise<{ client: ImapFlow; exists: number }> {
  const user = stack.users[0]!;
  const client = new ImapFlow({
    host: stack.host,
    port: stack.imapPort,
    secure: false,
    auth: { user: user.user, pass: user.password },
    logger: false,
    // The same IDLE set-up as Newsdesk's supervisor: no lock held, IDLE 50 ms after the last command.
    autoIdleDelay: 50,
  });
  client.on('error', () => undefined);
  client.on('exists', (info: { count: number; prevCount: number }) => {
    const at = performance.now();
    for (let c = info.prevCount + 1; c <= info.count; c++) arrivals.report(c, at);
  });
  await client.connect();
  const mailbox = await client.mailboxOpen('INBOX', { readOnly: true });
  return { client, exists: mailbox.exists };
}

function stats(label: string, values: number[]): string {
  return `${label.padEnd(28)} p50 ${fmtMs(percentile(values, 50)).padStart(6)}   p95 ${fmtMs(percentile(values, 95)).padStart(6)}   max ${fmtMs(Math.max(...values)).padStart(6)}`;
}

export async function runLatency(options: LatencyOptions): Promise<Section> {
  const probes = options.probes;
  const warmup = options.warmup ?? 2;
  const seed = options.seed ?? 7;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const jitter = seededRandom(seed);

  const stack = await startMailStack();
  let t: TestApp | undefined;
  let socket: WebSocket | undefined;
  let idle: ImapFlow | undefined;
  try {
    t = await startTestApp({ env: { NEWSDESK_IMAP_URL: stack.imapUrl(USER) } });
    await waitForIdle(t);
    const cookie = await t.login();
    const threadsCreated = new Arrivals<string>();
    socket = await openSocket(t, cookie, threadsCreated);
    const existsAt = new Arrivals<number>();
    const opened = await openIdleClient(stack, existsAt);
    idle = opened.client;
    // Let the bare client's auto-IDLE (50 ms) start before the first probe.
    await sleep(300);

    const submit: number[] = [];
    const bare: number[] = [];
    const newsdesk: number[] = [];
    const overhead: number[] = [];
    log(`latency: ${warmup} warm-up + ${probes} probes through Postfix`);
    for (let i = 0; i < warmup + probes; i++) {
      const probe = probeMessage(seed, i, new Date());
      const token = TOKEN.exec(probe.subject)![1]!;
      const expected = opened.exists + i + 1;
      const ndArrival = threadsCreated.wait(token, timeoutMs, `thread.created for probe ${i}`);
      const bareArrival = existsAt.wait(expected, timeoutMs, `IDLE exists ${expected} for probe ${i}`);
      const t0 = performance.now();
      await sendMail(stack, probe.raw);
      const accepted = performance.now();
      const [ndAt, bareAt] = await Promise.all([ndArrival, bareArrival]);
      if (i >= warmup) {
        submit.push(accepted - t0);
        bare.push(bareAt - t0);
        newsdesk.push(ndAt - t0);
        overhead.push(ndAt - bareAt);
      }
      if ((i + 1) % 10 === 0)
        log(`  ${i + 1}/${warmup + probes}: newsdesk ${fmtMs(ndAt - t0)}, bare IDLE ${fmtMs(bareAt - t0)}`);
      // A little jitter, so probes don't phase-lock onto any server-side timer.
      await sleep(50 + Math.floor(jitter() * 200));
    }

    const ratio = percentile(newsdesk, 50) / percentile(bare, 50);
    return {
      title: `Latency (${probes} probes via Postfix, ${warmup} warm-up not counted)`,
      lines: [
        stats('SMTP submission (250)', submit),
        stats('bare IMAP IDLE → exists', bare),
        stats('newsdesk → thread.created', newsdesk),
        stats('newsdesk − bare (per probe)', overhead),
        `=> newsdesk p50 = ${ratio.toFixed(2)} × bare IDLE p50`,
      ],
    };
  } finally {
    socket?.close();
    if (idle) await idle.logout().catch(() => idle?.close());
    await t?.close();
    await stack.stop();
  }
}
