// The splitter proper, shared by plain text and HTML: lines in (with their quote depth), one kind per
// line out. Every step is a linear pass or a bounded look-around, and only short lines are ever
// handed to a regex, so hostile bodies cannot make it slow.
import {
  canStartAttribution,
  fieldKind,
  fromLineHasAddress,
  isAttribution,
  isForwardLine,
  isOneLineHeader,
  isOriginalMessageLine,
  isRuleLine,
  mayBeAttribution,
  type FieldKind,
} from './headers.ts';
import type { LineSource } from './lines.ts';
import { matchable, MAX_MATCH_LENGTH } from './normalize.ts';
import { signatureStart, type SenderNames, type SignatureLines } from './signature.ts';

export type FragmentKind = 'new' | 'quoted' | 'signature' | 'forwarded';

/** Line kinds as small numbers, so a million lines need one byte each. */
export const NEW = 0;
export const QUOTED = 1;
export const SIGNATURE = 2;
export const FORWARDED = 3;
export const KIND_NAMES: readonly FragmentKind[] = ['new', 'quoted', 'signature', 'forwarded'];

/** Lines of `>`-quoting text that a client wrapped without re-quoting are still part of the quote. */
const WRAPPED_QUOTE_MIN_LENGTH = 50;
const MAX_WRAPPED_LINES = 2;
/** An attribution can wrap over this many lines ("On …, Name\n<addr>\nwrote:"). */
const MAX_ATTRIBUTION_LINES = 4;
const MAX_HEADER_BLOCK_LINES = 12;

/** Per-line facts, computed once or on first use. */
class Prepared {
  readonly n: number;
  readonly blank: Uint8Array;
  readonly depth: Int32Array;
  private readonly matchCache: (string | null | undefined)[];
  private readonly fieldCache: (FieldKind | null | undefined)[];
  private readonly cueCache: (boolean | undefined)[] = [];

  constructor(readonly lines: LineSource) {
    const n = lines.length;
    this.n = n;
    this.blank = new Uint8Array(n);
    this.depth = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.blank[i] = lines.blank(i) ? 1 : 0;
      this.depth[i] = lines.depth(i);
    }
    this.matchCache = [];
    this.fieldCache = [];
  }

  /** matchable() text without quote markers, or null when too long to be anything but prose. */
  match(i: number): string | null {
    const cached = this.matchCache[i];
    if (cached !== undefined) return cached;
    const raw = this.lines.text(i);
    const text = this.lines.depth(i) > 0 ? raw.replace(/^[\s>]*/, '') : raw;
    const value = text.length > MAX_MATCH_LENGTH ? null : matchable(text);
    this.matchCache[i] = value;
    return value;
  }

  setMatch(i: number, text: string): void {
    this.matchCache[i] = text;
  }

  /** Whether the line has what every attribution needs: a verb such as "wrote", or an address. */
  cue(i: number): boolean {
    const cached = this.cueCache[i];
    if (cached !== undefined) return cached;
    const text = this.match(i);
    const value = text != null && mayBeAttribution(text);
    this.cueCache[i] = value;
    return value;
  }

  field(i: number): FieldKind | null {
    const cached = this.fieldCache[i];
    if (cached !== undefined) return cached;
    const text = this.match(i);
    const value = text == null ? null : fieldKind(text);
    this.fieldCache[i] = value;
    return value;
  }
}

function prepare(lines: LineSource): Prepared {
  const p = new Prepared(lines);
  const { blank, depth, n } = p;
  for (let i = 1; i < n; i++) {
    // Gmail wraps "…<test@example.com\n>:", leaving what looks like a quoted ">:" line.
    if (
      depth[i]! > 0 &&
      depth[i - 1] === 0 &&
      /^>\s*:\s*$/.test(lines.text(i)) &&
      /<[^>\s]*$/.test(lines.text(i - 1))
    ) {
      depth[i] = 0;
      p.setMatch(i, '>:');
    }
  }
  for (let i = 1; i < n; i++) {
    // "> … a long quoted line that the client bro\nke here\n> next quoted line": the middle is quoted.
    if (depth[i] !== 0 || blank[i] || depth[i - 1] === 0) continue;
    if (lines.text(i - 1).length < WRAPPED_QUOTE_MIN_LENGTH) continue;
    let j = i;
    while (j < n && j - i < MAX_WRAPPED_LINES && depth[j] === 0 && !blank[j]) j++;
    if (j < n && depth[j]! > 0) for (let k = i; k < j; k++) depth[k] = depth[i - 1]!;
  }
  return p;
}

function nextContent(p: Prepared, from: number): number {
  for (let i = from; i < p.n; i++) if (!p.blank[i]) return i;
  return -1;
}

function endsSentence(text: string): boolean {
  const last = text[text.length - 1];
  return last === '.' || last === '!' || last === '?' || last === '؟';
}

/** First line of an attribution ending at line `end`, or -1. Prefers the longest plausible wrap. */
function attributionStart(p: Prepared, end: number): number {
  const last = p.match(end);
  if (last == null || !last.endsWith(':')) return -1;
  // Lines that may belong to the attribution, nearest first.
  let earliest = end;
  while (earliest > 0 && end - earliest + 1 < MAX_ATTRIBUTION_LINES) {
    const k = earliest - 1;
    if (p.blank[k] || p.depth[k] !== 0) break;
    const text = p.match(k);
    if (text == null || endsSentence(text)) break;
    earliest = k;
  }
  // Every form needs a verb or an address somewhere; one cached test per line spares the rest.
  let cue = false;
  for (let k = earliest; k <= end && !cue; k++) cue = p.cue(k);
  if (!cue) return -1;
  const texts: string[] = [];
  for (let k = earliest; k <= end; k++) texts.push(p.match(k)!);
  const next = nextContent(p, end + 1);
  const followedByQuote = next >= 0 && p.depth[next]! > 0;
  for (let start = earliest; start <= end; start++) {
    if (start < end && !canStartAttribution(texts[start - earliest]!)) continue;
    const joined = texts.slice(start - earliest).join(' ');
    if (joined.length <= MAX_MATCH_LENGTH && isAttribution(joined, followedByQuote)) return start;
  }
  return -1;
}

/** Whether an Outlook-style header block ("From: … Sent: … To: … Subject: …") starts at line `i`. */
function isHeaderBlock(p: Prepared, i: number): boolean {
  const first = p.field(i);
  if (!first) return false;
  // Inside a run of field lines already judged from its start, only a From/Date line can open a
  // block of its own (this keeps a million "To: x" lines linear).
  if (first !== 'from' && first !== 'date' && i > 0 && p.depth[i - 1] === 0 && p.field(i - 1)) return false;
  const text = p.match(i)!;
  if (isOneLineHeader(text)) return true;
  const kinds: FieldKind[] = [first];
  let unlabelled = 0;
  for (let j = i + 1; j < p.n && j < i + MAX_HEADER_BLOCK_LINES; j++) {
    if (p.depth[j]! > 0 || p.blank[j]) break;
    const kind = p.field(j);
    if (kind) {
      kinds.push(kind);
      unlabelled = 0;
    } else if (++unlabelled > 1) {
      break; // one wrapped value line is fine, two are the body
    }
  }
  const distinct = new Set(kinds);
  if (distinct.has('from') && kinds.length >= 2) return true;
  if (kinds.length >= 3 && distinct.size >= 3) return true;
  return kinds.length === 1 && first === 'from' && text.length <= 200 && fromLineHasAddress(text);
}

/** Moves a cut up over the rule or "Original Message" line drawn just above a header block. */
function includeRuleAbove(p: Prepared, i: number): number {
  let j = i - 1;
  let blanks = 0;
  while (j >= 0 && p.blank[j] && !p.lines.rule(j) && blanks < 2) {
    j--;
    blanks++;
  }
  if (j < 0 || p.depth[j]! > 0) return i;
  if (p.lines.rule(j)) return j;
  const text = p.match(j);
  return text != null && (isRuleLine(text) || isOriginalMessageLine(text)) ? j : i;
}

/** Kind of every line (NEW, QUOTED, SIGNATURE, FORWARDED): history, forwarded content, signature or new words. */
export function classifyLines(lines: LineSource, sender: SenderNames | null): Uint8Array {
  const p = prepare(lines);
  const n = p.n;
  const kinds = new Uint8Array(n);
  for (let i = 0; i < n; i++) kinds[i] = p.depth[i]! > 0 ? QUOTED : NEW;

  for (let i = 0; i < n; i++) {
    if (p.depth[i]! > 0 || p.blank[i]) continue;
    const text = p.match(i);
    if (text == null) continue;
    if (isForwardLine(text)) {
      kinds.fill(FORWARDED, includeRuleAbove(p, i));
      break;
    }
    if (isOriginalMessageLine(text)) {
      kinds.fill(QUOTED, i);
      break;
    }
    if (isHeaderBlock(p, i)) {
      kinds.fill(QUOTED, includeRuleAbove(p, i));
      break;
    }
    const start = attributionStart(p, i);
    if (start < 0) continue;
    const next = nextContent(p, i + 1);
    if (next >= 0 && p.depth[next]! > 0) {
      // Header of a `>` block; whatever follows the block may be an inline answer, so keep going.
      kinds.fill(QUOTED, start, i + 1);
    } else {
      kinds.fill(QUOTED, start);
      break;
    }
  }

  markForwardedBlocks(p, kinds);
  markSignatures(p, kinds, sender);
  attachBlankLines(p, kinds);
  return kinds;
}

/** A quoted block (an HTML gmail_quote, say) that opens with "Forwarded message" is a forward. */
function markForwardedBlocks(p: Prepared, kinds: Uint8Array): void {
  let i = 0;
  while (i < p.n) {
    if (kinds[i] !== QUOTED || p.blank[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < p.n && (kinds[j] === QUOTED || p.blank[j])) j++;
    const text = p.match(i);
    if (text != null && isForwardLine(text)) kinds.fill(FORWARDED, i, j);
    i = j;
  }
}

function markSignatures(p: Prepared, kinds: Uint8Array, sender: SenderNames | null): void {
  let contentBefore = false;
  let i = 0;
  while (i < p.n) {
    if (kinds[i] !== NEW) {
      i++;
      continue;
    }
    // A run of the sender's own lines, blank lines included, up to the next quoted line.
    let j = i;
    while (j < p.n && (kinds[j] === NEW || (p.blank[j] && p.depth[j] === 0))) j++;
    const from = i;
    const run: SignatureLines = {
      length: j - from,
      text: (k) => (p.blank[from + k] ? '' : (p.match(from + k) ?? '')),
      blank: (k) => p.blank[from + k] === 1,
      hint: (k) => p.lines.signature(from + k),
    };
    const start = signatureStart(run, contentBefore, sender);
    for (let k = start < 0 ? j : from + start; k < j; k++) if (!p.blank[k]) kinds[k] = SIGNATURE;
    for (let k = from; k < j && !contentBefore; k++)
      if (!p.blank[k] && kinds[k] === NEW) contentBefore = true;
    i = j;
  }
}

/** Blank lines go with the fragment above them (leading ones with the first fragment). */
function attachBlankLines(p: Prepared, kinds: Uint8Array): void {
  let previous = -1;
  let first = -1;
  for (let i = 0; i < p.n; i++) {
    if (!p.blank[i]) {
      previous = kinds[i]!;
      if (first < 0) first = i;
    } else if (previous >= 0) kinds[i] = previous;
  }
  if (first > 0) kinds.fill(kinds[first]!, 0, first);
}
