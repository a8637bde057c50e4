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
  let out = '';
  const origin: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (DROP.test(ch)) continue;
    out += foldChar(ch);
    origin.push(i);
  }
  origin.push(text.length);
  return { text: out, origin };
}

/** The original text behind folded range [start, end). */
export function originalSlice(text: string, folded: Folded, start: number, end: number): string {
  const from = folded.origin[start] ?? text.length;
  const to = end > 0 ? (folded.origin[end - 1] ?? text.length - 1) + 1 : from;
  return text.slice(from, to).trim();
}
