// Reply stripping against the three upstream fixture sets in ../shared/corpora/reply-stripping. The
// scoring is bench/reply-stripping.ts's, so this test asserts on the figures `npm run bench` prints.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  evaluateReplyCorpus,
  formatReplyReport,
  rates,
  type CorpusResult,
} from '../../../bench/reply-stripping.ts';
import { corporaDir, corpusAvailable } from '../../support/corpus-mail.ts';

const DIR = join(corporaDir(), 'reply-stripping');
const HAVE_CORPUS = corpusAvailable(DIR, 'reply-stripping corpus');

// Floors a little under what the splitter reaches (github 22/22, willdurand 62/62, talon 29/30), so
// a regression fails while a rounding wobble does not.
const PASS_FLOOR: Record<string, number> = {
  'github-email_reply_parser': 0.95,
  'willdurand-EmailReplyParser': 0.95,
  'mailgun-talon': 0.93,
};
const LANGUAGE_FLOOR = 0.9;

// Where we knowingly differ from upstream, with the reason; anything else failing is a regression.
const KNOWN_DIVERGENCES: Record<string, string> = {
  'mailgun-talon/reply-separated-by-hr.html':
    'talon also drops the one-word line "Bob" above the <hr>; we keep it (the same shape as "Braxton" in ' +
    'willdurand email_w10_mail, which upstream requires to stay)',
};

describe.skipIf(!HAVE_CORPUS)('reply-stripping corpus', () => {
  let result: CorpusResult;
  beforeAll(() => {
    result = evaluateReplyCorpus(DIR);
    const ms = result.cases.reduce((sum, c) => sum + c.ms, 0) / result.cases.length;
    console.log(formatReplyReport(result, ms));
  });

  it('covers every fixture of the three sets', () => {
    const sets = rates(result.cases, (c) => c.set);
    expect([...sets.keys()].sort()).toEqual(Object.keys(PASS_FLOOR).sort());
    // github 22 keys; willdurand 43 keys with the two templates expanded (17 + 4 variants); talon 30 checks.
    expect(sets.get('github-email_reply_parser')!.total).toBe(22);
    expect(sets.get('willdurand-EmailReplyParser')!.total).toBe(62);
    expect(sets.get('mailgun-talon')!.total).toBe(30);
  });

  it('meets the per-set floors, for all checks and for the exact visible text', () => {
    for (const [set, r] of rates(result.cases, (c) => c.set)) {
      expect(r.pass / r.total, `${set} pass rate`).toBeGreaterThanOrEqual(PASS_FLOOR[set]!);
      expect(r.exact / r.exactTotal, `${set} exact visible text`).toBeGreaterThanOrEqual(PASS_FLOOR[set]!);
    }
  });

  it('meets the per-language floor', () => {
    for (const [language, r] of rates(result.cases, (c) => c.language)) {
      expect(r.pass / r.total, `${language}: ${r.pass}/${r.total}`).toBeGreaterThanOrEqual(LANGUAGE_FLOOR);
    }
  });

  it('fails no fixture beyond the known divergences', () => {
    const failing = result.cases.filter((c) => !c.pass).map((c) => `${c.set}/${c.name}`);
    expect(failing.filter((name) => !(name in KNOWN_DIVERGENCES))).toEqual([]);
  });

  it('passes every false-positive trap', () => {
    expect(result.traps.length).toBeGreaterThanOrEqual(10);
    expect(result.traps.filter((t) => !t.pass)).toEqual([]);
  });

  it('parses the performance cases in under a second', () => {
    const perf = result.cases.filter((c) => c.maxSeconds !== undefined);
    expect(perf.map((c) => c.name).sort()).toEqual(['email_long_quote.txt', 'pathological.txt']);
    for (const c of perf) expect(c.ms, c.name).toBeLessThan(c.maxSeconds! * 1000);
  });
});
