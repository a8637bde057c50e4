/**
 * Release linking measured end to end: the catalogue imported with `newsdesk releases import`, the
 * dev enquiries with `newsdesk mail import` (parse → thread → classify → match → store), then every
 * labelled message's thread compared with its label. The baseline is the same import into a db with
 * no catalogue, so the ratio is what matching costs the ingest path.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { closeDb, openDb } from '../db/client.ts';
import { messages, releases, threads } from '../db/schema.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');

interface Label {
  release_url: string | null;
  thread: string;
  language: string;
  kind: string;
}

function corpusDir(): string {
  return join(process.env.NEWSDESK_SHARED ?? resolve(root, '../shared'), 'corpora/matching');
}

async function cli(db: string, ...args: string[]): Promise<number> {
  const started = performance.now();
  await run(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args, '--db', db], {
    cwd: root,
    maxBuffer: 64 << 20,
  });
  return performance.now() - started;
}

const pct = (n: number, d: number): string => `${d === 0 ? '–' : ((100 * n) / d).toFixed(1)} % (${n}/${d})`;

/** Runs the end-to-end linking evaluation; returns the printed report. */
export async function runMatchingPipelineBench(): Promise<string> {
  const dir = corpusDir();
  if (!existsSync(join(dir, 'releases.json')))
    return `matching (pipeline): corpus not found at ${dir}; skipped (set NEWSDESK_SHARED)`;
  const work = mkdtempSync(join(tmpdir(), 'newsdesk-bench-match-'));
  try {
    const baselineDb = join(work, 'baseline.db');
    const db = join(work, 'newsdesk.db');
    await cli(baselineDb, 'migrate');
    await cli(db, 'migrate');
    const baselineMs = await cli(baselineDb, 'mail', 'import', join(dir, 'enquiries-dev'));
    await cli(db, 'releases', 'import', join(dir, 'releases.json'));
    const importMs = await cli(db, 'mail', 'import', join(dir, 'enquiries-dev'));

    const labels = JSON.parse(readFileSync(join(dir, 'labels-dev.json'), 'utf8')) as Record<string, Label>;
    const store = openDb(db);
    const catalogue = store
      .select({ id: releases.id, url: releases.url, familyId: releases.familyId })
      .from(releases)
      .all();
    const familyOfUrl = new Map(catalogue.map((r) => [r.url, r.familyId ?? r.id]));
    const rows = store
      .select({
        messageId: messages.messageId,
        threadId: threads.id,
        releaseId: threads.releaseId,
        reason: threads.matchReason,
        subject: threads.subject,
      })
      .from(messages)
      .innerJoin(threads, eq(threads.id, messages.threadId))
      .all();
    closeDb(store);
    const familyOfId = new Map(catalogue.map((r) => [r.id, r.familyId ?? r.id]));

    let linked = 0;
    let linkedOk = 0;
    let noneExpected = 0;
    let nonePredicted = 0;
    let noneOk = 0;
    const byLanguage = new Map<string, { ok: number; n: number }>();
    const misses: string[] = [];
    for (const row of rows) {
      const label = labels[`<${row.messageId}>`];
      if (!label) continue;
      const expected = label.release_url ? (familyOfUrl.get(label.release_url) ?? -1) : null;
      const got = row.releaseId === null ? null : (familyOfId.get(row.releaseId) ?? null);
      const ok = expected === got;
      if (expected === null) noneExpected++;
      else linked++;
      if (got === null) nonePredicted++;
      if (ok && expected === null) noneOk++;
      if (ok && expected !== null) linkedOk++;
      const lang = byLanguage.get(label.language) ?? { ok: 0, n: 0 };
      lang.n++;
      if (ok) lang.ok++;
      byLanguage.set(label.language, lang);
      if (!ok)
        misses.push(
          `    <${row.messageId}> [${label.language}, ${label.kind}] expected ${label.release_url ?? 'no release'}; thread "${row.subject}" got ${row.releaseId === null ? 'no release' : catalogue.find((r) => r.id === row.releaseId)?.url} (${row.reason ?? ''})`,
        );
    }
    // Threading against the labelled conversations: pairwise same-thread precision and recall.
    const labelled = rows.filter((r) => labels[`<${r.messageId}>`]);
    let bothSame = 0;
    let oursSame = 0;
    let theirsSame = 0;
    for (let i = 0; i < labelled.length; i++) {
      for (let j = i + 1; j < labelled.length; j++) {
        const ours = labelled[i]!.threadId === labelled[j]!.threadId;
        const theirs =
          labels[`<${labelled[i]!.messageId}>`]!.thread === labels[`<${labelled[j]!.messageId}>`]!.thread;
        if (ours) oursSame++;
        if (theirs) theirsSame++;
        if (ours && theirs) bothSame++;
      }
    }
    return [
      `Threading of the dev enquiries: pairwise precision ${pct(bothSame, oursSame)}, recall ${pct(bothSame, theirsSame)}`,
      `Release linking through the real pipeline (newsdesk releases import + mail import; each message judged by its thread's link)`,
      `  top-1 on messages with a release    ${pct(linkedOk, linked)}`,
      `  "no release" precision / recall     ${pct(noneOk, nonePredicted)} / ${pct(noneOk, noneExpected)}`,
      `  by language: ${[...byLanguage]
        .sort((a, b) => b[1].n - a[1].n)
        .map(([l, s]) => `${l} ${s.ok}/${s.n}`)
        .join(', ')}`,
      `  mail import of ${rows.length} messages: ${(importMs / 1000).toFixed(2)} s with the catalogue, ${(baselineMs / 1000).toFixed(2)} s without (ratio ${(importMs / baselineMs).toFixed(2)}, process start included)`,
      `  misses (${misses.length}):`,
      ...misses,
    ].join('\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
