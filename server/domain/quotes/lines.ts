// The splitter's view of a body: numbered lines with a quote depth. Plain text is kept as one string
// plus line offsets, so a 1 MB body of a million short lines costs typed arrays, not a million
// objects, and every fragment is a single slice of the input.
import { isBlankText } from './normalize.ts';

/** A body as lines, for the splitter. */
export interface LineSource {
  readonly length: number;
  /** The line as shown (for plain text the exact slice, quote markers included, no line end). */
  text(i: number): string;
  /** Quote depth: leading ">" markers, or enclosing HTML quote containers. */
  depth(i: number): number;
  /** No visible character (an HTML rule counts as blank). */
  blank(i: number): boolean;
  /** An HTML <hr>: separates like a rule line, shown as a blank line. */
  rule(i: number): boolean;
  /** Inside an HTML signature container. */
  signature(i: number): boolean;
  /** The text of lines [from, to) with their line ends. */
  range(from: number, to: number): string;
  /** Lines [from, to) as displayed: joined by newlines, trailing spaces dropped. */
  shown(from: number, to: number): string;
}

/** Converted HTML as parallel arrays: no object per line. */
export interface HtmlLineData {
  texts: string[];
  depths: number[];
  /** RULE_FLAG | SIGNATURE_FLAG */
  flags: number[];
}
export const RULE_FLAG = 1;
export const SIGNATURE_FLAG = 2;

// Whitespace and the invisible characters that RTL and web mail sprinkle into otherwise empty lines.
const INVISIBLE_OR_SPACE = /[\s\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

/** Plain text: CRLF and lone CR read as LF, a leading BOM dropped. */
export class TextLines implements LineSource {
  readonly length: number;
  private readonly source: string;
  /** starts[i] = offset of line i; starts[length] = source length (+1 when it has no final newline). */
  private readonly starts: Int32Array;
  private readonly depths: Int32Array;
  private readonly blanks: Uint8Array;

  constructor(text: string) {
    const source = text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
    this.source = source;
    let count = 0;
    for (let at = source.indexOf('\n'); at >= 0; at = source.indexOf('\n', at + 1)) count++;
    const endsWithNewline = source.endsWith('\n');
    const n = source === '' ? 0 : endsWithNewline ? count : count + 1;
    this.length = n;
    this.starts = new Int32Array(n + 1);
    this.depths = new Int32Array(n);
    this.blanks = new Uint8Array(n);
    let start = 0;
    for (let i = 0; i < n; i++) {
      this.starts[i] = start;
      const nl = source.indexOf('\n', start);
      const end = nl < 0 ? source.length : nl;
      let depth = 0;
      let blank = 1;
      let inMarkers = true;
      for (let k = start; k < end; k++) {
        const code = source.charCodeAt(k);
        if (inMarkers) {
          if (code === 62 /* > */) {
            depth++;
            blank = 0;
            continue;
          }
          if (code === 32 || code === 9) continue;
          inMarkers = false;
        }
        if (code > 32 && (code < 128 || !INVISIBLE_OR_SPACE.test(source[k]!))) {
          blank = 0;
          break;
        }
      }
      this.depths[i] = depth;
      this.blanks[i] = blank;
      start = end + 1;
    }
    this.starts[n] = start;
  }

  text(i: number): string {
    const end = this.starts[i + 1]! - 1;
    return this.source.slice(this.starts[i]!, Math.min(end, this.source.length));
  }

  depth(i: number): number {
    return this.depths[i]!;
  }

  blank(i: number): boolean {
    return this.blanks[i] === 1;
  }

  rule(): boolean {
    return false;
  }

  signature(): boolean {
    return false;
  }

  range(from: number, to: number): string {
    return this.source.slice(this.starts[from]!, Math.min(this.starts[to]!, this.source.length));
  }

  shown(from: number, to: number): string {
    return this.range(from, to)
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n');
  }
}

/** Lines converted from HTML; each shown with a newline after it, rules as blank lines. */
export class HtmlLines implements LineSource {
  readonly length: number;

  constructor(private readonly data: HtmlLineData) {
    this.length = data.texts.length;
  }

  text(i: number): string {
    return this.data.texts[i]!;
  }

  depth(i: number): number {
    return this.data.depths[i]!;
  }

  blank(i: number): boolean {
    return this.rule(i) || isBlankText(this.data.texts[i]!);
  }

  rule(i: number): boolean {
    return (this.data.flags[i]! & RULE_FLAG) !== 0;
  }

  signature(i: number): boolean {
    return (this.data.flags[i]! & SIGNATURE_FLAG) !== 0;
  }

  range(from: number, to: number): string {
    return this.data.texts.slice(from, to).join('\n') + (to > from ? '\n' : '');
  }

  shown(from: number, to: number): string {
    return this.data.texts.slice(from, to).join('\n');
  }
}
