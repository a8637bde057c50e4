import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { corporaDir, corpusAvailable } from '../support/corpus-mail.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const corpus = join(corporaDir(), 'threading-notmuch');
const present = corpusAvailable(corpus, 'threading-notmuch');

interface Expected {
  threads: { messages: { message_id: string }[] }[];
}
interface Exported {
  id: number;
  messages: { message_id: string }[];
}

/** Every unordered pair of messages that share a thread: the unit pairwise precision/recall counts. */
function sameThreadPairs(groups: string[][]): Set<string> {
  const pairs = new Set<string>();
  for (const group of groups) {
    const ids = [...group].sort();
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) pairs.add(`${ids[i]}\u0000${ids[j]}`);
  }
  return pairs;
}

describe.skipIf(!present)('newsdesk mail import + export threads on the notmuch corpus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'newsdesk-notmuch-'));
  const db = join(dir, 'newsdesk.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args, '--db', db], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    });

  it('imports the maildir through the ingest pipeline and exports the same threads notmuch finds', async () => {
    const imported = await cli('mail', 'import', join(corpus, 'corpora/default'));
    // 53 files, one of them a second copy of another message.
    expect(imported.stderr).toMatch(/imported 52 messages \(1 already stored, 0 failed\)/);

    const exportedJson = await cli('export', 'threads', '--format', 'json');
    const exported = JSON.parse(exportedJson.stdout) as Exported[];
    const expected = JSON.parse(
      readFileSync(join(corpus, 'expected/default-threads.derived.json'), 'utf8'),
    ) as Expected;

    const ours = sameThreadPairs(exported.map((t) => t.messages.map((m) => m.message_id)));
    const theirs = sameThreadPairs(expected.threads.map((t) => t.messages.map((m) => m.message_id)));
    const truePositives = [...ours].filter((p) => theirs.has(p)).length;
    const precision = ours.size === 0 ? 1 : truePositives / ours.size;
    const recall = theirs.size === 0 ? 1 : truePositives / theirs.size;
    console.log(
      `notmuch default corpus: ${exported.length} threads (expected ${expected.threads.length}); pairwise precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`,
    );
    expect(exported).toHaveLength(expected.threads.length);
    expect(precision).toBe(1);
    expect(recall).toBe(1);
    expect(exported.flatMap((t) => t.messages)).toHaveLength(52);
  });

  it('a second import of the same maildir stores nothing new', async () => {
    const again = await cli('mail', 'import', join(corpus, 'corpora/default'));
    expect(again.stderr).toMatch(/imported 0 messages \(53 already stored, 0 failed\)/);
  });

  it('exports CSV with one row per message and a header', async () => {
    const csv = (await cli('export', 'threads', '--format', 'csv')).stdout.trim().split('\r\n');
    expect(csv[0]).toBe(
      'thread_id,thread_subject,status,assignee,deadline,release_url,release_title,match_confidence,match_reason,message_id,from,date,subject,direction,kind,auth',
    );
    expect(csv).toHaveLength(53);
  });

  it('fails with one clear line for a missing path', async () => {
    await expect(cli('mail', 'import', join(dir, 'nope'))).rejects.toMatchObject({
      stderr: expect.stringMatching(/^newsdesk: .*nope.*\n$/),
    });
  });
});
