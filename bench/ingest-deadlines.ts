/**
 * Deadline extraction cost per message, the largest per-message step of ingest: the same new words
 * read with the pre-filter and start scan (what ingest does) and by trying every word (the reference),
 * in the same run, on the generated corpus and on the dev enquiries of the matching corpus.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { extractDeadline, mayHoldDeadline } from '../server/domain/deadline/index.ts';
import { splitReplyText } from '../server/domain/quotes/index.ts';
import { matchingCorpusDir } from './matching.ts';

interface Sample {
  text: string;
  sent: Date;
}

/** The sender's new words, as ingest passes them to the extractor. */
export async function deadlineSamples(raws: Uint8Array[]): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const raw of raws) {
    const m = await PostalMime.parse(raw);
    out.push({
      text: splitReplyText((m.text ?? '').slice(0, 20_000)).newText.slice(0, 4_000),
      sent: new Date(m.date ?? 0),
    });
  }
  return out;
}

function timePerMessage(samples: Sample[], exhaustive: boolean, rounds: number): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const s of samples) extractDeadline(s.text, s.sent, 'Europe/London', { exhaustive });
    best = Math.min(best, (performance.now() - t0) / samples.length);
  }
  return best;
}

function line(label: string, samples: Sample[]): string {
  // Warm both paths first, then alternate, keeping each one's best round (the machine is noisy).
  timePerMessage(samples, true, 1);
  timePerMessage(samples, false, 1);
  let full = Infinity;
  let fast = Infinity;
  for (let i = 0; i < 3; i++) {
    full = Math.min(full, timePerMessage(samples, true, 1));
    fast = Math.min(fast, timePerMessage(samples, false, 1));
  }
  let differ = 0;
  let found = 0;
  for (const s of samples) {
    const a = extractDeadline(s.text, s.sent, 'Europe/London');
    const b = extractDeadline(s.text, s.sent, 'Europe/London', { exhaustive: true });
    if (JSON.stringify(a) !== JSON.stringify(b)) differ++;
    if (b) found++;
  }
  const skipped = samples.filter((s) => !mayHoldDeadline(s.text)).length;
  return (
    `${label}: ${samples.length} msgs, ${found} with a deadline, ${skipped} skipped by the pre-filter; ` +
    `every word ${full.toFixed(3)} ms/msg → pre-filter + start scan ${fast.toFixed(3)} ms/msg ` +
    `(${(fast / full).toFixed(2)} ×); results differ on ${differ}`
  );
}

/** Report lines for the ingest section. */
export async function runDeadlineBench(generated: Uint8Array[]): Promise<string[]> {
  const lines = [line('deadlines, generated corpus', await deadlineSamples(generated.slice(0, 2000)))];
  const dir = join(matchingCorpusDir(), 'enquiries-dev');
  if (existsSync(dir)) {
    const raws = readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .map((f) => readFileSync(join(dir, f)));
    lines.push(line('deadlines, dev enquiries  ', await deadlineSamples(raws)));
  }
  return lines;
}
