// Text as the pattern matchers see it: display-only characters removed, look-alike spaces, colons and
// digits folded. Never used for output, so fragments stay exact slices of what the sender wrote.

// Bidi controls and zero-width characters: RTL mail (Arabic Outlook, Gmail) wraps names, dates and
// addresses in them, which would otherwise break every anchored pattern.
const INVISIBLE_ONE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
const BLANK = /^[\s\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]*$/;
const PLAIN = /^[\x20-\x7e]*$/;
const ODD_SPACE_ONE = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/;

/** Lines longer than this are never headers, delimiters or sign-offs; skipping them bounds regex work. */
export const MAX_MATCH_LENGTH = 400;

// Everything matchable() folds, in one class so a line is scanned once.
const FOLD =
  /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000：﹕\u0660-\u0669\u06f0-\u06f9\uff10-\uff19]/g;

function fold(ch: string): string {
  if (INVISIBLE_ONE.test(ch)) return '';
  if (ODD_SPACE_ONE.test(ch)) return ' ';
  if (ch === '：' || ch === '﹕') return ':';
  const code = ch.charCodeAt(0);
  if (code >= 0x0660 && code <= 0x0669) return String(code - 0x0660);
  if (code >= 0x06f0 && code <= 0x06f9) return String(code - 0x06f0);
  return String(code - 0xff10); // full-width digits
}

/** Folds a line (or a few joined lines) into the form the recognisers match against. */
export function matchable(text: string): string {
  // Most lines are plain ASCII with single spaces: nothing to fold.
  if (PLAIN.test(text) && !text.includes('  ')) return text.trim();
  return text.replace(FOLD, fold).replace(/\s+/g, ' ').trim();
}

/** Whether a line has no visible content. */
export function isBlankText(text: string): boolean {
  return BLANK.test(text);
}
