/**
 * Ingest throughput: APPEND N synthetic messages to a real Dovecot, then compare Newsdesk's full
 * IMAP ingest (fetch, parse, thread, store, publish) with a bare imapflow fetch + postal-mime parse
 * of the same mailbox. The bare pass runs before and after Newsdesk's, since the disk is noisy.
 */
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ImapFlow } from 'imapflow';
import PostalMime from 'postal-mime';
import { startTestApp, type TestApp } from '../test/support/app.ts';
import { startMailStack, type MailStack } from '../test/support/mailstack.ts';
import { appendMessages } from '../test/support/send-mail.ts';
import { describeCorpus, generateCorpus } from './corpus.ts';
import { runDeadlineBench } from './ingest-deadlines.ts';
import { fmtBytes, fmtMs, fmtRate, log, sleep, type Section } from './util.ts';

export interface IngestOptions {
  messages: number;
  /** Write a CPU profile of Newsdesk's ingest phase (b) to this path. */
  cpuProfile?: string;
}

interface BareResult {
  ms: number;
  messages: number;
  bytes: number;
  fetchMs: number;
}

const USER = 'newsdesk@newsdesk.test';
const BATCH = 200;

/** (a) The ceiling: one imapflow connection, FETCH source by UID in batches of 200, postal-mime each. */
async function bareFetchParse(stack: MailStack): Promise<BareResult> {
  const user = stack.users[0]!;
  const client = new ImapFlow({
    host: stack.host,
    port: stack.imapPort,
    secure: false,
    auth: { user: user.user, pass: user.password },
    logger: false,
    disableAutoIdle: true,
  });
  client.on('error', () => undefined);
  const started = performance.now();
  await client.connect();
  let messages = 0;
  let bytes = 0;
  let parseMs = 0;
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    const found = await client.search({ all: true }, { uid: true });
    const uids = (found || []).sort((a, b) => a - b);
    for (let i = 0; i < uids.length; i += BATCH) {
      const range = uids.slice(i, i + BATCH).join(',');
      for await (const msg of client.fetch(range, { uid: true, source: true }, { uid: true })) {
        if (!msg.source) continue;
        const p0 = performance.now();
        await PostalMime.parse(msg.source);
        parseMs += performance.now() - p0;
        messages++;
        bytes += msg.source.length;
      }
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  const ms = performance.now() - started;
  return { ms, messages, bytes, fetchMs: ms - parseMs };
}

interface FullResult {
  ms: number;
  readyMs: number;
  firstStoredMs: number | null;
  idleMs: number;
  stored: number;
  threads: number;
  messageRows: number;
  rssBefore: number;
  rssPeak: number;
  heapPeak: number;
  /** Event-loop delay while ingesting: how long HTTP and websocket traffic could be kept waiting. */
  loopDelay: { p50: number; p99: number; max: number };
  dbBytes: number;
}

function count(t: TestApp, sql: string): number {
  return (t.db.$client.prepare(sql).get() as { n: number }).n;
}

async function healthState(t: TestApp): Promise<string | undefined> {
  const res = await t.app.inject({ url: '/api/health' });
  return (res.json() as { mailboxes: { state: string }[] }).mailboxes[0]?.state;
}

/** (b) Newsdesk itself: the real app on a fresh db, from start until every UID is stored and the mailbox idles. */
async function newsdeskIngest(
  stack: MailStack,
  n: number,
  cpuProfile: string | undefined,
): Promise<FullResult> {
  let profiler: Session | null = null;
  if (cpuProfile) {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
    await profiler.post('Profiler.start');
  }
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let heapPeak = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  }, 25);

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  const startedWall = Date.now();
  let t: TestApp | undefined;
  try {
    t = await startTestApp({ env: { NEWSDESK_IMAP_URL: stack.imapUrl(USER) } });
    const readyMs = performance.now() - started;
    let stored = 0;
    let lastProgress = performance.now();
    let lastLogged = performance.now();
    // Stored = a row in message_locations: the exactly-once key, one per IMAP UID.
    for (;;) {
      stored = count(t, 'select count(*) as n from message_locations');
      const now = performance.now();
      if (stored >= n) break;
      if (stored > 0 && now - lastLogged > 5000) {
        log(`  newsdesk: ${stored}/${n} stored after ${fmtMs(now - started)}`);
        lastLogged = now;
      }
      if (stored > 0) lastProgress = now;
      if (now - lastProgress > 60_000) {
        const state = await healthState(t);
        throw new Error(`newsdesk ingest stalled at ${stored}/${n} (mailbox state ${state ?? 'none'})`);
      }
      await sleep(50);
    }
    const ms = performance.now() - started;
    loop.disable();
    // The poll above can be starved while a batch is ingested; the rows' own timestamps can't.
    const first = count(t, 'select min(created_at) as n from messages');
    const firstStoredMs = first ? first - startedWall : null;
    // Then the supervisor should settle into IDLE (its last batch's progress event and SEARCH).
    for (;;) {
      if ((await healthState(t)) === 'idle') break;
      if (performance.now() - started - ms > 30_000)
        throw new Error('mailbox never reached idle after ingest');
      await sleep(50);
    }
    const idleMs = performance.now() - started;
    clearInterval(sampler);
    const result: FullResult = {
      ms,
      readyMs,
      firstStoredMs,
      idleMs,
      stored,
      threads: count(t, 'select count(*) as n from threads where merged_into is null'),
      messageRows: count(t, 'select count(*) as n from messages'),
      rssBefore,
      rssPeak,
      heapPeak,
      loopDelay: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
      // The logical size (pages in the db and its WAL), which the file alone understates before a checkpoint.
      dbBytes: count(t, 'select page_count * page_size as n from pragma_page_count(), pragma_page_size()'),
    };
    if (profiler && cpuProfile) {
      const { profile } = await profiler.post('Profiler.stop');
      await writeFile(cpuProfile, JSON.stringify(profile));
      log(`  cpu profile of phase (b) written to ${cpuProfile}`);
    }
    return result;
  } finally {
    clearInterval(sampler);
    loop.disable();
    profiler?.disconnect();
    await t?.close();
  }
}

export async function runIngest(options: IngestOptions): Promise<Section> {
  const n = options.messages;
  const lines: string[] = [];
  log(`ingest: generating ${n} messages`);
  const g0 = performance.now();
  let corpus: ReturnType<typeof generateCorpus> | null = generateCorpus(n);
  const genMs = performance.now() - g0;
  const c = describeCorpus(corpus);
  lines.push(
    `corpus      ${c.count} msgs, ${fmtBytes(c.bytes)} (size p50 ${fmtBytes(c.p50)}, p90 ${fmtBytes(c.p90)}, p99 ${fmtBytes(c.p99)}, max ${fmtBytes(c.max)}); ` +
      `${c.replies} replies, ${c.arabic} Arabic; generated in ${fmtMs(genMs)}`,
  );

  log('ingest: deadline extraction, pre-filter vs every word');
  lines.push(...(await runDeadlineBench(corpus.map((m) => m.raw))));

  const stack = await startMailStack();
  try {
    log(`ingest: APPEND ${n} messages`);
    const a0 = performance.now();
    const raws = corpus.map((m) => m.raw);
    const uids = await appendMessages(stack, USER, raws);
    const appendMs = performance.now() - a0;
    if (uids.length !== n) throw new Error(`APPEND returned ${uids.length} UIDs for ${n} messages`);
    lines.push(
      `APPEND      ${fmtRate(n, appendMs)} msg/s (${fmtMs(appendMs)}, ${fmtBytes((c.bytes / appendMs) * 1000)}/s), 1 connection`,
    );
    // The corpus is not needed any more; keep it out of the RSS figure of phase (b).
    corpus = null;
    raws.length = 0;

    log('ingest: (a1) bare fetch+parse');
    const a1 = await bareFetchParse(stack);
    if (a1.messages !== n) throw new Error(`bare fetch saw ${a1.messages} of ${n} messages`);
    lines.push(bareLine('(a1) bare', a1));

    log('ingest: (b) newsdesk full ingest');
    const b = await newsdeskIngest(stack, n, options.cpuProfile);
    lines.push(
      `(b)  nd     ${fmtRate(n, b.ms).padStart(6)} msg/s  (${fmtMs(b.ms)} from app start; app ready ${fmtMs(b.readyMs)}, ` +
        `first stored ${b.firstStoredMs === null ? '-' : fmtMs(b.firstStoredMs)}, idle at ${fmtMs(b.idleMs)})`,
    );
    lines.push(
      `            ${b.messageRows} messages in ${b.threads} threads; peak RSS ${fmtBytes(b.rssPeak)} ` +
        `(+${fmtBytes(b.rssPeak - b.rssBefore)} over ${fmtBytes(b.rssBefore)} before start), peak heap ${fmtBytes(b.heapPeak)}`,
    );
    lines.push(
      `            event-loop delay during ingest p50 ${fmtMs(b.loopDelay.p50)}, p99 ${fmtMs(b.loopDelay.p99)}, max ${fmtMs(b.loopDelay.max)}; ` +
        `db ${fmtBytes(b.dbBytes)} (${(b.dbBytes / c.bytes).toFixed(1)} × raw)`,
    );

    log('ingest: (a2) bare fetch+parse');
    const a2 = await bareFetchParse(stack);
    lines.push(bareLine('(a2) bare', a2));

    const rate = (r: { ms: number }) => n / (r.ms / 1000);
    const aMean = (rate(a1) + rate(a2)) / 2;
    const ratio = rate(b) / aMean;
    lines.push(
      `=> full ingest = ${ratio.toFixed(2)} × bare fetch+parse ` +
        `(vs a1 ${(rate(b) / rate(a1)).toFixed(2)}, vs a2 ${(rate(b) / rate(a2)).toFixed(2)}; a2/a1 = ${(rate(a2) / rate(a1)).toFixed(2)})`,
    );
    return { title: `Ingest (N = ${n})`, lines };
  } finally {
    await stack.stop();
  }
}

function bareLine(label: string, r: BareResult): string {
  return (
    `${label}   ${fmtRate(r.messages, r.ms).padStart(6)} msg/s  (${fmtMs(r.ms)}; ${fmtBytes((r.bytes / r.ms) * 1000)}/s; ` +
    `parse ${fmtMs(r.ms - r.fetchMs)}, IMAP + other ${fmtMs(r.fetchMs)})`
  );
}
