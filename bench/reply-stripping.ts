/**
 * Reply stripping against the shared corpus (../shared/corpora/reply-stripping): exact-match rate of
 * the visible text per fixture set and per language, the false-positive traps, and time per message.
 *
 *   node --import tsx -e "import('./bench/reply-stripping.ts').then(m => m.runReplyStrippingBench()).then(console.log)"
 *
 * The scoring lives here so the corpus test (test/unit/domain/quotes-corpus.test.ts) asserts on the
 * very figures this prints. Expectations are the upstream ones transcribed in each set's
 * expected.json; how each kind of expectation maps onto SplitMessage is documented at its check.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitReplyHtml, splitReplyText, type SplitMessage } from '../server/domain/quotes/index.ts';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The reply-stripping corpus folder (NEWSDESK_SHARED overrides the sibling `../shared` checkout). */
export function replyCorpusDir(): string {
  return join(
    process.env.NEWSDESK_SHARED ?? resolve(PROJECT_ROOT, '../shared'),
    'corpora',
    'reply-stripping',
  );
}

export interface CaseResult {
  set: string;
  name: string;
  language: string;
  /** Every transcribed expectation of the case holds. */
  pass: boolean;
  /** The visible text equals the upstream text exactly (after trimming), or null when upstream gives none. */
  exact: boolean | null;
  failures: string[];
  ms: number;
  maxSeconds?: number;
}

export interface CorpusResult {
  cases: CaseResult[];
  traps: { name: string; pass: boolean }[];
}

// ---------------------------------------------------------------------------------------------
// Helpers

type Json = Record<string, unknown>;

const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;

/** Visible-text comparison form: trailing spaces per line dropped, whole text trimmed. */
const visible = (text: string): string =>
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();
const noSpace = (text: string): string => text.replace(/\s+/g, '');

/** What talon's extract_from_* returns: the message without its quotations (signature kept). */
export function withoutQuotes(split: SplitMessage): string {
  return split.fragments
    .filter((f) => f.kind === 'new' || f.kind === 'signature')
    .map((f) => f.text)
    .join('')
    .trim();
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

// Upstream kinds, comparable with ours: forwarded counts as quoted; whitespace-only fragments vanish.
type Kind = 'new' | 'quoted' | 'signature';
interface Frag {
  kind: Kind;
  text: string;
}

function ourFragments(split: SplitMessage): Frag[] {
  const out: Frag[] = [];
  for (const f of split.fragments) {
    if (f.text.trim() === '') continue;
    const kind: Kind = f.kind === 'forwarded' ? 'quoted' : f.kind;
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.text += f.text;
    else out.push({ kind, text: f.text });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// github / willdurand (email_reply_parser and its PHP port)

// Languages of fixtures that are not English (the rest are).
const LANGUAGE: Record<string, string> = {
  'email_7.txt': 'Italian',
  'email_13.txt': 'Italian',
  'email_8.txt': 'Dutch',
  'email_12.txt': 'Dutch',
  'email_23.txt': 'Ukrainian',
  'email_23_1.txt': 'Ukrainian',
  'email_14.txt': 'Polish',
  'email_16.txt': 'Polish',
  'email_17.txt': 'Polish',
  'email_22.txt': 'Chinese',
  'email_norwegian_gmail.txt': 'Norwegian',
  'email_9.txt': 'French',
  'email_10.txt': 'French',
  'email_11.txt': 'French',
  'email_customer_quote_header_3.txt': 'French',
  'email_zimbra_free_fr.txt': 'French',
  'email_custom_quote_header.txt': 'Hungarian',
};
// The 17 header lines substituted into email_with_date_headers.txt, in order.
// prettier-ignore
const DATE_HEADER_LANGUAGES = [
  'English', 'numeric (no words)', 'numeric (no words)', 'numeric (no words)', 'French', 'Spanish', 'Catalan', 'Polish', 'French',
  'Polish', 'Danish', 'German', 'German', 'Chinese', 'Korean', 'Japanese', 'Norwegian',
];
const FROM_HEADER_LANGUAGES = ['English', 'French', 'Dutch', 'Italian'];
// Fixtures that exist to catch false positives: prose that looks like a header or a signature.
const TRAPS = new Set([
  'github-email_reply_parser/email_sent_from_my_not_signature.txt',
  'github-email_reply_parser/email_sig_delimiter_in_middle_of_line.txt',
  'github-email_reply_parser/greedy_on.txt',
  'github-email_reply_parser/email_one_is_not_on.txt',
  'github-email_reply_parser/correct_sig.txt',
  'willdurand-EmailReplyParser/email_one_is_not_on.txt',
  'willdurand-EmailReplyParser/email_23_1.txt',
  'willdurand-EmailReplyParser/email_19.txt',
  'willdurand-EmailReplyParser/email_20.txt',
  'willdurand-EmailReplyParser/email_21.txt',
  'willdurand-EmailReplyParser/correct_sig.txt',
]);

interface ParserExpectation {
  visible_text?: string;
  first_fragment_trimmed?: string;
  fragment_count?: number;
  quoted?: boolean[];
  signature?: boolean[];
  hidden?: boolean[];
  fragment_text?: Record<string, string>;
  fragment_regex?: Record<string, string>;
  fragment_contains?: Record<string, string>;
  fragment_not_contains?: Record<string, string>;
  fragment_1_content?: string;
  template_placeholder?: string;
  substitute_each?: string[];
  max_seconds?: number;
}

/**
 * Upstream fragment kinds: from the flags when given; otherwise fragment 0 is the reply and a later
 * fragment's kind is read off its regex or text ("On …"/">" quoted, "^_"/"^-" signature, else new).
 * null = unknown, or empty (upstream hides a plain fragment only when it is empty; we drop those).
 */
function upstreamKinds(exp: ParserExpectation, count: number): (Kind | null)[] {
  const kinds: (Kind | null)[] = [];
  for (let k = 0; k < count; k++) {
    if (exp.quoted && exp.signature) {
      const hiddenBlank = exp.hidden?.[k] === true && !exp.quoted[k] && !exp.signature[k];
      kinds.push(hiddenBlank ? null : exp.quoted[k] ? 'quoted' : exp.signature[k] ? 'signature' : 'new');
      continue;
    }
    const regex = exp.fragment_regex?.[String(k)];
    if (k === 0) kinds.push('new');
    else if (regex !== undefined)
      kinds.push(/^\^(?:On|>)/.test(regex) ? 'quoted' : /^\^[-_]/.test(regex) ? 'signature' : 'new');
    else if (/^(?:On|>)/.test(exp.fragment_text?.[String(k)] ?? '')) kinds.push('quoted');
    else kinds.push(exp.fragment_contains?.[String(k)] !== undefined ? 'quoted' : null);
  }
  return kinds;
}

/** Where upstream fragment `index` sits in ours: a whole fragment, or the start or a later part of one. */
interface Mapped {
  frag: Frag;
  part: 'whole' | 'first' | 'later';
}

/**
 * Our fragment standing for upstream fragment `index`. Consecutive upstream fragments of one kind
 * ("-Abhishek Kona" then a list footer, both signature) are one fragment of ours, so groups are
 * matched by kind and ordinal.
 */
function mapFragment(ours: Frag[], kinds: (Kind | null)[], index: number): Mapped | undefined {
  const kind = kinds[index];
  if (!kind) return undefined;
  const known = kinds.map((k, i) => ({ k, i })).filter((x): x is { k: Kind; i: number } => x.k !== null);
  let group = -1;
  let part: Mapped['part'] = 'whole';
  let ordinal = -1;
  for (let n = 0; n < known.length; n++) {
    const startsGroup = n === 0 || known[n - 1]!.k !== known[n]!.k;
    if (startsGroup && known[n]!.k === kind) ordinal++;
    if (startsGroup) group = n;
    if (known[n]!.i !== index) continue;
    const groupEnd = known.findIndex((x, m) => m > group && x.k !== kind);
    const size = (groupEnd < 0 ? known.length : groupEnd) - group;
    part = size === 1 ? 'whole' : n === group ? 'first' : 'later';
    break;
  }
  const frag = ours.filter((f) => f.kind === kind)[ordinal];
  return frag ? { frag, part } : undefined;
}

const withoutLeadingBlankLines = (text: string): string => text.replace(/^(?:[ \t]*\n)+/, '');

function checkParserCase(
  exp: ParserExpectation,
  common: string,
  split: SplitMessage,
  substitute: string | undefined,
): { failures: string[]; exact: boolean | null } {
  const failures: string[] = [];
  const ours = ourFragments(split);
  const indexes = [
    exp.fragment_count ?? 0,
    exp.quoted?.length ?? 0,
    ...Object.keys({ ...exp.fragment_text, ...exp.fragment_regex, ...exp.fragment_contains }).map(
      (k) => Number(k) + 1,
    ),
    ...Object.keys(exp.fragment_not_contains ?? {}).map((k) => Number(k) + 1),
    2,
  ];
  const kinds = upstreamKinds(exp, Math.max(...indexes));

  // The exact visible text: given outright, as the common first fragment, or as fragment 0 when
  // nothing after it is visible.
  let expected: string | undefined = exp.visible_text;
  if (exp.first_fragment_trimmed === '<COMMON_FIRST_FRAGMENT>') expected = common;
  const laterVisible =
    exp.quoted !== undefined &&
    exp.hidden !== undefined &&
    exp.quoted.some((q, k) => k > 0 && !q && !exp.signature?.[k] && !exp.hidden?.[k]);
  const fragment0 = exp.fragment_text?.['0'];
  if (expected === undefined && fragment0 !== undefined && !laterVisible) expected = fragment0;
  if (expected === undefined && exp.fragment_1_content !== undefined) expected = ''; // template starts with the header
  let exact: boolean | null = null;
  if (expected !== undefined) {
    exact = visible(split.newText) === visible(expected);
    if (!exact) failures.push(`visible text ${JSON.stringify(split.newText.slice(0, 80))}`);
  }
  if (fragment0 !== undefined && laterVisible && visible(ours[0]?.text ?? '') !== visible(fragment0)) {
    failures.push('fragment 0 text');
  }

  // Fragment kinds in order, when upstream gives them (empty upstream fragments left out).
  if (exp.quoted && exp.signature) {
    const theirs = kinds.slice(0, exp.quoted.length).filter((k): k is Kind => k !== null);
    const merged = theirs.filter((k, i) => i === 0 || k !== theirs[i - 1]);
    const mine = ours.map((f) => f.kind);
    if (merged.join(',') !== mine.join(',')) failures.push(`kinds ${mine.join(',')} ≠ ${merged.join(',')}`);
  } else if (exp.fragment_count === 1 && !(ours.length === 1 && ours[0]!.kind === 'new')) {
    failures.push('expected a single fragment');
  }

  const check = (
    what: string,
    index: string,
    test: (text: string, part: Mapped['part']) => boolean,
  ): void => {
    const mapped = mapFragment(ours, kinds, Number(index));
    if (!mapped || !test(withoutLeadingBlankLines(mapped.frag.text), mapped.part))
      failures.push(`${what}[${index}]`);
  };
  for (const [index, source] of Object.entries(exp.fragment_regex ?? {})) {
    // A later part of a merged fragment starts on some line of ours, not at its start.
    check('regex', index, (t, part) => new RegExp(source, part === 'later' ? 'm' : '').test(t));
  }
  for (const [index, needle] of Object.entries(exp.fragment_contains ?? {}))
    check('contains', index, (t) => t.includes(needle));
  for (const [index, needle] of Object.entries(exp.fragment_not_contains ?? {})) {
    check('not_contains', index, (t) => !t.includes(needle));
  }
  for (const [index, text] of Object.entries(exp.fragment_text ?? {})) {
    if (index === '0' || text.trim() === '') continue;
    check('text', index, (t, part) =>
      part === 'whole'
        ? squash(t) === squash(text)
        : part === 'first'
          ? squash(t).startsWith(squash(text))
          : squash(t).includes(squash(text)),
    );
  }
  if (exp.fragment_1_content !== undefined && substitute !== undefined) {
    const want = exp.fragment_1_content.replace('{FROM}', substitute);
    const quoted = ours.find((f) => f.kind === 'quoted');
    if (!quoted || squash(quoted.text) !== squash(want)) failures.push('fragment 1 content');
  }
  return { failures, exact };
}

function evaluateParserSet(dir: string, set: string, fixtureDir: string): CaseResult[] {
  const expected = readJson(join(dir, set, 'expected.json'));
  const common = typeof expected.COMMON_FIRST_FRAGMENT === 'string' ? expected.COMMON_FIRST_FRAGMENT : '';
  const results: CaseResult[] = [];
  for (const [file, value] of Object.entries(expected)) {
    if (file.startsWith('_') || file === 'COMMON_FIRST_FRAGMENT') continue;
    const exp = value as ParserExpectation;
    const raw = readFileSync(join(dir, set, fixtureDir, file), 'utf8');
    const variants: { name: string; text: string; language: string; substitute?: string }[] = [];
    if (exp.template_placeholder && exp.substitute_each) {
      const languages = file.includes('date') ? DATE_HEADER_LANGUAGES : FROM_HEADER_LANGUAGES;
      exp.substitute_each.forEach((sub, i) => {
        variants.push({
          name: `${file} [${sub}]`,
          text: raw.replace(exp.template_placeholder!, sub),
          language: languages[i] ?? 'English',
          substitute: sub,
        });
      });
    } else {
      variants.push({ name: file, text: raw, language: LANGUAGE[file] ?? 'English' });
    }
    for (const variant of variants) {
      const { value: split, ms } = timed(() => splitReplyText(variant.text));
      const { failures, exact } = checkParserCase(exp, common, split, variant.substitute);
      if (exp.max_seconds !== undefined && ms > exp.max_seconds * 1000)
        failures.push(`took ${ms.toFixed(0)} ms`);
      results.push({
        set,
        name: variant.name,
        language: variant.language,
        pass: failures.length === 0,
        exact,
        failures,
        ms,
        ...(exp.max_seconds !== undefined ? { maxSeconds: exp.max_seconds } : {}),
      });
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// mailgun/talon

/** The first text/plain part of a raw message, transfer-decoded and charset-decoded, nothing else. */
export function firstTextPlain(raw: Buffer): string | null {
  return plainPart(raw.toString('latin1'));
}

function plainPart(part: string): string | null {
  const split = /\r?\n\r?\n/.exec(part);
  const head = split ? part.slice(0, split.index) : part;
  const body = split ? part.slice(split.index + split[0].length) : '';
  const fields = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const type = fields.get('content-type') ?? 'text/plain';
  if (/^multipart\//i.test(type)) {
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (!boundary) return null;
    const parts = body.split(
      new RegExp(`^--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?$`, 'm'),
    );
    for (const sub of parts.slice(1)) {
      const text = plainPart(sub.replace(/^\r?\n/, ''));
      if (text !== null) return text;
    }
    return null;
  }
  if (!/^text\/plain/i.test(type)) return null;
  const encoding = (fields.get('content-transfer-encoding') ?? '').toLowerCase();
  let bytes: Buffer;
  if (encoding === 'base64') bytes = Buffer.from(body, 'base64');
  else if (encoding === 'quoted-printable') {
    const unfolded = body.replace(/=\r?\n/g, '');
    bytes = Buffer.from(
      unfolded.replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    );
  } else bytes = Buffer.from(body, 'latin1');
  const charset = /charset="?([^";\s]+)"?/i.exec(type)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

const TALON_LANGUAGE: Record<string, string> = {
  'android.eml': 'Russian',
  'mail_ru.html': 'Russian',
  'windows_mail.html': 'Russian',
  'yandex_ru.html': 'Russian',
};

function evaluateTalon(dir: string): CaseResult[] {
  const set = 'mailgun-talon';
  const base = join(dir, set, 'fixtures');
  const expected = readJson(join(dir, set, 'expected.json'));
  const results: CaseResult[] = [];
  const add = (name: string, failures: string[], exact: boolean | null, ms: number): void => {
    const file = name.split('/').pop()!;
    results.push({
      set,
      name,
      language: TALON_LANGUAGE[file] ?? 'English',
      pass: failures.length === 0,
      exact,
      failures,
      ms,
    });
  };

  // Standard replies: the reply text talon keeps (quotations removed, signature kept), after strip().
  const standard = (expected.standard_replies as { cases: Record<string, string> }).cases;
  for (const [file, want] of Object.entries(standard)) {
    const text = firstTextPlain(readFileSync(join(base, 'standard_replies', file)));
    if (text === null) {
      add(`standard_replies/${file}`, ['no text/plain part'], false, 0);
      continue;
    }
    const { value: split, ms } = timed(() => splitReplyText(text));
    const got = withoutQuotes(split);
    const exact = got === want.trim();
    add(`standard_replies/${file}`, exact ? [] : [`reply ${JSON.stringify(got.slice(0, 80))}`], exact, ms);
  }

  // HTML replies: the same text for every client, compared with all whitespace removed.
  const html = expected.html_replies as { expected: string; files: string[] };
  for (const file of html.files) {
    const source = readFileSync(join(base, 'html_replies', file), 'utf8');
    const { value: split, ms } = timed(() => splitReplyHtml(source));
    const got = noSpace(withoutQuotes(split));
    const exact = got === noSpace(html.expected);
    add(`html_replies/${file}`, exact ? [] : [`reply ${JSON.stringify(got.slice(0, 80))}`], exact, ms);
  }

  // Signatures: sender given; the signature and the text above it must both match.
  for (const name of (expected['signature/emails/stripped'] as { cases: string[] }).cases) {
    const read = (suffix: string): string =>
      readFileSync(join(base, 'signature/emails/stripped', `${name}_${suffix}`), 'utf8');
    const body = read('body');
    const signature = read('signature').trim();
    const { value: split, ms } = timed(() => splitReplyText(body, { sender: read('sender').trim() }));
    const stripped = body.trim();
    const rest = stripped.slice(0, stripped.length - signature.length).trim();
    const failures: string[] = [];
    if (visible(split.signature) !== visible(signature))
      failures.push(`signature ${JSON.stringify(split.signature.slice(0, 60))}`);
    if (visible(split.newText) !== visible(rest)) failures.push('text above the signature');
    add(`signature/${name}`, failures, failures.length === 0, ms);
  }

  // Whole-document HTML cases: upstream compares markup; we compare the text of that markup.
  for (const file of ['OLK_SRC_BODY_SECTION.html', 'reply-separated-by-hr.html']) {
    const rule = (expected[file] as { rule: string }).rule;
    const want = noSpace((/'(<html>.*)'/.exec(rule)?.[1] ?? '').replace(/<[^>]*>/g, ''));
    const { value: split, ms } = timed(() => splitReplyHtml(readFileSync(join(base, file), 'utf8')));
    const got = noSpace(withoutQuotes(split));
    add(
      file,
      got === want ? [] : [`reply ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`],
      got === want,
      ms,
    );
  }

  // Share block: the raw file as upstream feeds it, and (stricter) its decoded text/plain part.
  {
    const file = 'reply-quotations-share-block.eml';
    const raw = readFileSync(join(base, file));
    const { value: split, ms } = timed(() => splitReplyText(raw.toString('utf8')));
    const decoded = splitReplyText(firstTextPlain(raw) ?? '');
    const failures: string[] = [];
    for (const [label, s] of [
      ['raw', split],
      ['decoded', decoded],
    ] as const) {
      const got = withoutQuotes(s);
      if (got === '' || got.includes('From')) failures.push(`${label}: ${JSON.stringify(got.slice(0, 60))}`);
    }
    add(file, failures, null, ms);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Whole corpus

/** Scores every fixture of the three sets; `dir` is the reply-stripping corpus folder. */
export function evaluateReplyCorpus(dir: string = replyCorpusDir()): CorpusResult {
  const cases = [
    ...evaluateParserSet(dir, 'github-email_reply_parser', 'emails'),
    ...evaluateParserSet(dir, 'willdurand-EmailReplyParser', 'fixtures'),
    ...evaluateTalon(dir),
  ];
  const traps = cases
    .filter((c) => TRAPS.has(`${c.set}/${c.name}`))
    .map((c) => ({ name: `${c.set}/${c.name}`, pass: c.pass }));
  return { cases, traps };
}

const pct = (n: number, d: number): string => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)} %`);

export interface Rate {
  pass: number;
  total: number;
  exact: number;
  exactTotal: number;
}

/** Pass and exact-match counts grouped by `key`. */
export function rates(cases: CaseResult[], key: (c: CaseResult) => string): Map<string, Rate> {
  const out = new Map<string, Rate>();
  for (const c of cases) {
    const r = out.get(key(c)) ?? { pass: 0, total: 0, exact: 0, exactTotal: 0 };
    r.total++;
    if (c.pass) r.pass++;
    if (c.exact !== null) {
      r.exactTotal++;
      if (c.exact) r.exact++;
    }
    out.set(key(c), r);
  }
  return out;
}

/** The printed report: per set, per language, traps, failures, timing (`timing` says how it was measured). */
export function formatReplyReport(
  result: CorpusResult,
  msPerMessage: number,
  timing = 'one cold pass',
): string {
  const lines: string[] = [];
  const row = (label: string, r: Rate): string =>
    `${label.padEnd(30)} pass ${`${r.pass}/${r.total}`.padStart(7)} ${pct(r.pass, r.total).padStart(8)}   ` +
    `exact visible text ${`${r.exact}/${r.exactTotal}`.padStart(7)} ${pct(r.exact, r.exactTotal).padStart(8)}`;
  lines.push('per fixture set:');
  for (const [set, r] of rates(result.cases, (c) => c.set)) lines.push(`  ${row(set, r)}`);
  const all = rates(result.cases, () => 'all')?.get('all');
  if (all) lines.push(`  ${row('all', all)}`);
  lines.push('per language:');
  const byLanguage = [...rates(result.cases, (c) => c.language)].sort((a, b) => b[1].total - a[1].total);
  for (const [language, r] of byLanguage) lines.push(`  ${row(language, r)}`);
  lines.push('false-positive traps:');
  for (const t of result.traps) lines.push(`  ${t.pass ? 'ok  ' : 'FAIL'} ${t.name}`);
  const failing = result.cases.filter((c) => !c.pass);
  lines.push(`failing fixtures: ${failing.length}`);
  for (const c of failing) lines.push(`  ${c.set}/${c.name}: ${c.failures.join('; ')}`);
  const perf = result.cases.filter((c) => c.maxSeconds !== undefined);
  lines.push(
    `performance cases: ${perf.map((c) => `${c.name} ${c.ms.toFixed(1)} ms (limit ${c.maxSeconds} s)`).join(', ')}`,
  );
  lines.push(
    `time: ${msPerMessage.toFixed(3)} ms per message (mean over ${result.cases.length} fixtures, ${timing})`,
  );
  return lines.join('\n');
}

/** Runs the corpus (a warm-up pass, then timed ones) and returns the report, one line per row, no title. */
export async function runReplyStrippingBench(): Promise<string> {
  const dir = replyCorpusDir();
  if (!existsSync(dir) || readdirSync(dir).length === 0) {
    return `reply stripping: ${dir} not found; skipped (set NEWSDESK_SHARED to the shared checkout)`;
  }
  evaluateReplyCorpus(dir);
  const rounds = 5;
  let result: CorpusResult = evaluateReplyCorpus(dir);
  let totalMs = result.cases.reduce((sum, c) => sum + c.ms, 0);
  for (let i = 1; i < rounds; i++) {
    result = evaluateReplyCorpus(dir);
    totalMs += result.cases.reduce((sum, c) => sum + c.ms, 0);
  }
  const msPerMessage = totalMs / (rounds * result.cases.length);
  return `corpus: ${dir}\n${formatReplyReport(result, msPerMessage, `${rounds} passes after a warm-up`)}`;
}
