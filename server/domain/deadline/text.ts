// The text the deadline patterns read: lower case, Arabic-Indic digits as ASCII, Arabic diacritics,
// tatweel and bidi marks dropped, alef variants folded, curly apostrophes straightened. An offset map
// leads every match back to the sender's own characters for the phrase shown to staff.

export interface Folded {
  text: string;
  /** origin[i] = index in the original text of folded character i (origin[text.length] = its length). */
  origin: number[];
}

const DROP = /[\u064b-\u0652\u0640\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

function foldChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code >= 0x0660 && code <= 0x0669) return String(code - 0x0660);
  if (code >= 0x06f0 && code <= 0x06f9) return String(code - 0x06f0);
  if (code >= 0xff10 && code <= 0xff19) return String(code - 0xff10);
  if (ch === 'أ' || ch === 'إ' || ch === 'آ' || ch === 'ٱ') return 'ا';
  if (ch === 'ى') return 'ي';
  if (ch === '’' || ch === '‘' || ch === 'ʼ') return "'";
  if (ch === '٫') return '.'; // Arabic decimal separator: "٥٫٣٠" is 5.30
  if (ch === '：') return ':';
  if (/[\u00a0\u2000-\u200a\u202f\u3000]/.test(ch)) return ' ';
  const lower = ch.toLowerCase();
  return lower.length === ch.length ? lower : ch;
}

/** Folds `text` for matching, keeping where each folded character came from. */
export function fold(text: string): Folded {
  const parts: string[] = [];
  const origin = new Array<number>();
  // Runs of plain ASCII (the bulk of most mail) are lower-cased in one go.
  let runStart = -1;
  const flush = (end: number): void => {
    if (runStart < 0) return;
    parts.push(text.slice(runStart, end).toLowerCase());
    for (let j = runStart; j < end; j++) origin.push(j);
    runStart = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      if (runStart < 0) runStart = i;
      continue;
    }
    flush(i);
    const ch = text[i]!;
    if (DROP.test(ch)) continue;
    const out = foldChar(ch);
    parts.push(out);
    // foldChar maps one unit to one unit, bar the digits above, which also stay one character.
    for (let k = 0; k < out.length; k++) origin.push(i);
  }
  flush(text.length);
  origin.push(text.length);
  return { text: parts.join(''), origin };
}

// Every character fold() changes other than by lower-casing.
const SPECIAL =
  /[\u064b-\u0652\u0640\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u0660-\u0669\u06f0-\u06f9\uff10-\uff19أإآٱى’‘ʼ٫：\u00a0\u2000-\u200a\u202f\u3000]/g;

/**
 * fold()'s text without the offset map, in native passes: for a quick look before the real read.
 * "İ" is the one BMP character whose lower case is longer (i + combining dot); fold() keeps it as is.
 * (fold() leaves letters outside the BMP in their case; here they may be lowered, and stay letters.)
 */
export function foldQuick(text: string): string {
  const lower = text.includes('\u0130')
    ? text
        .split('\u0130')
        .map((part) => part.toLowerCase())
        .join('\u0130')
    : text.toLowerCase();
  return lower.replace(SPECIAL, (ch) => (DROP.test(ch) ? '' : foldChar(ch)));
}

/** The original text behind folded range [start, end). */
export function originalSlice(text: string, folded: Folded, start: number, end: number): string {
  const from = folded.origin[start] ?? text.length;
  const to = end > 0 ? (folded.origin[end - 1] ?? text.length - 1) + 1 : from;
  return text.slice(from, to).trim();
}
