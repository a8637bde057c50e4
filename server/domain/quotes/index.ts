// The journalist's new words first: splits a message body into what the sender wrote now, the
// history they quoted, forwarded content and their signature, so the UI can fold all but the first.
// Pure: no I/O, no clock.
import { htmlToQuoteLines } from './html.ts';
import { senderNames } from './signature.ts';
import { HtmlLines, TextLines, type LineSource } from './lines.ts';
import { classifyLines, KIND_NAMES, NEW, type FragmentKind } from './split.ts';

export type { FragmentKind } from './split.ts';

export interface Fragment {
  kind: FragmentKind;
  text: string;
}

export interface SplitMessage {
  /** The sender's own words of this message, trimmed; inline answers between quotes joined in order. */
  newText: string;
  /** Quoted history and forwarded content (everything to fold that is not the signature), trimmed. */
  quoted: string;
  signature: string;
  /** fragments in order, for the UI to fold */
  fragments: Fragment[];
}

export interface SplitOptions {
  /** The From header ("Gina X <gina@x.com>", a name or an address): lets a bare name line end the text. */
  sender?: string;
}

/** Splits a plain-text body; fragment texts are exact slices, so they concatenate back to the input (CRLF read as LF). */
export function splitReplyText(text: string, options: SplitOptions = {}): SplitMessage {
  return split(new TextLines(text), options);
}

/** Splits an HTML body by its quote structure (blockquote, gmail_quote, divRplyFwdMsg …) and text; fragments are text. */
export function splitReplyHtml(html: string, options: SplitOptions = {}): SplitMessage {
  return split(new HtmlLines(htmlToQuoteLines(html)), options);
}

function split(lines: LineSource, options: SplitOptions): SplitMessage {
  const kinds = classifyLines(lines, senderNames(options.sender));
  const fragments: Fragment[] = [];
  const newRanges: [number, number][] = [];
  for (let i = 0; i < lines.length;) {
    const kind = kinds[i]!;
    let j = i + 1;
    while (j < lines.length && kinds[j] === kind) j++;
    fragments.push({ kind: KIND_NAMES[kind]!, text: lines.range(i, j) });
    if (kind === NEW) newRanges.push([i, j]);
    i = j;
  }
  const joinKinds = (wanted: FragmentKind[]): string =>
    fragments
      .filter((f) => wanted.includes(f.kind))
      .map((f) => f.text)
      .join('')
      .trim();
  return {
    newText: newText(lines, newRanges),
    quoted: joinKinds(['quoted', 'forwarded']),
    signature: joinKinds(['signature']),
    fragments,
  };
}

/**
 * The new fragments with trailing spaces and edge blank lines dropped. Pieces around an inline quote
 * are joined by a blank line where the sender left blank lines around the quote, else by a newline.
 */
function newText(lines: LineSource, ranges: [number, number][]): string {
  let out = '';
  let previousEnd = -1;
  const blank = (i: number): boolean => i < 0 || i >= lines.length || lines.blank(i);
  for (const [from, to] of ranges) {
    let first = from;
    let last = to - 1;
    while (first <= last && lines.blank(first)) first++;
    while (last >= first && lines.blank(last)) last--;
    if (first > last) continue;
    const piece = lines.shown(first, last + 1);
    if (previousEnd >= 0) out += blank(previousEnd + 1) && blank(first - 1) ? '\n\n' : '\n';
    out += piece;
    previousEnd = last;
  }
  return out.trim();
}
