/**
 * Newsdesk benchmarks against a real Postfix + Dovecot stack on loopback.
 *
 *   npm run bench                          both benchmarks, N = BENCH_MESSAGES (default 5000)
 *   npm run bench -- --only ingest         or: --only latency
 *   BENCH_CPU_PROFILE=/tmp/nd.cpuprofile   CPU profile of Newsdesk's ingest phase only
 *
 * The machine is shared and noisy, so every figure comes with a baseline measured in the same run
 * and is reported as a ratio to it. Progress goes to stderr, the report to stdout.
 */
import * as os from 'node:os';
import { runIngest } from './ingest.ts';
import { runLatency } from './latency.ts';
import { runMatchingBench } from './matching.ts';
import { runMatchingPipelineBench } from './matching-pipeline.ts';
import { runReplyStrippingBench } from './reply-stripping.ts';
import { runUiBench } from './ui.ts';
import { log, type Section } from './util.ts';

type Bench = 'ingest' | 'latency' | 'matching' | 'replies' | 'ui';

/** A bad argument or setting: reported as one line, without a stack trace. */
class UsageError extends Error {}
const ALL: Bench[] = ['ingest', 'latency', 'matching', 'replies', 'ui'];
const isBench = (value: string | undefined): value is Bench => ALL.includes(value as Bench);

function parseArgs(argv: string[]): { only: Bench[] } {
  let only: Bench[] = ALL;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value =
      arg === '--only' ? argv[++i] : arg.startsWith('--only=') ? arg.slice('--only='.length) : undefined;
    if (arg === '--only' || arg.startsWith('--only=')) {
      if (!isBench(value)) throw new UsageError(`--only takes ${ALL.join(', ')}; got ${value ?? 'nothing'}`);
      only = [value];
    } else if (arg === '--help' || arg === '-h') {
      console.log(`usage: npm run bench [-- --only ${ALL.join('|')}]   (env BENCH_MESSAGES, default 5000)`);
      process.exit(0);
    } else {
      throw new UsageError(`unknown argument ${arg}`);
    }
  }
  return { only };
}

function messagesFromEnv(): number {
  const raw = process.env.BENCH_MESSAGES;
  if (raw === undefined || raw === '') return 5000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`BENCH_MESSAGES must be a positive integer, got "${raw}"`);
  return n;
}

async function main(): Promise<void> {
  const { only } = parseArgs(process.argv.slice(2));
  const messages = messagesFromEnv();
  // Ctrl-C: exit normally so the mail stack's exit hook kills the daemons and removes the temp dir.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));

  const started = performance.now();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const sections: Section[] = [];
  for (const bench of only) {
    if (bench === 'ingest') {
      sections.push(
        await runIngest({
          messages,
          ...(process.env.BENCH_CPU_PROFILE ? { cpuProfile: process.env.BENCH_CPU_PROFILE } : {}),
        }),
      );
    } else if (bench === 'latency') {
      sections.push(await runLatency({ probes: 50 }));
    } else if (bench === 'matching') {
      log('matching: pure matcher on the dev set and a 10,000-release catalogue, then the real pipeline');
      const pure = await runMatchingBench();
      const pipeline = await runMatchingPipelineBench();
      sections.push({ title: 'Release matching', lines: [...pure.split('\n'), '', ...pipeline.split('\n')] });
    } else if (bench === 'ui') {
      sections.push(await runUiBench());
    } else {
      log('replies: reply-stripping fixture sets');
      sections.push({ title: 'Reply stripping', lines: (await runReplyStrippingBench()).split('\n') });
    }
  }

  const out: string[] = [
    `Newsdesk bench: node ${process.version}, ${os.cpus().length} CPUs, load avg before ${load}, ` +
      `total ${((performance.now() - started) / 1000).toFixed(1)} s`,
  ];
  for (const s of sections) out.push('', `## ${s.title}`, ...s.lines.map((l) => `  ${l}`));
  console.log(out.join('\n'));
}

main().then(
  () => {
    // Everything is closed by now and the loop should drain on its own; if some handle keeps the
    // process alive, say which instead of hanging silently (unref'd: it never delays a clean exit).
    setTimeout(() => {
      log(
        `bench: still alive 5 s after finishing; active resources: ${process.getActiveResourcesInfo().join(', ')}`,
      );
      process.exit(1);
    }, 5000).unref();
  },
  (err: unknown) => {
    console.error(err instanceof UsageError ? `bench: ${err.message}` : err);
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 5000).unref();
  },
);
