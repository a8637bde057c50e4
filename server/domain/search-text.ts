// Text for the full-text index and the queries against it. The same folding (text-normalize) runs
// on both sides, so hamza and alef forms, ta marbuta, harakat, tatweel, digit systems and case never
// decide whether something is found.
import { foldText, stripPunctuation } from './text-normalize.ts';

const MAX_QUERY_TOKENS = 12;
const MAX_TOKEN_LENGTH = 64;
// Arabic conjunctions and prepositions written onto a word with the article ("والكويت", "بالكويت",
// "للكويت"): the index also holds the word without them, so "الكويت" finds "والكويت".
const ARABIC_PROCLITIC_ARTICLE = /^[وفبكل]ال[\p{L}]/u;
const ARABIC_LI_ARTICLE = /^لل[\p{L}]/u;
// "و" (and) is written onto any word ("وأثرها"); a word that really starts with و only gains a
// harmless extra token.
const ARABIC_WA = /^و[\p{L}]{3}/u;

/** Indexable text: folded, punctuation to spaces, plus article forms of Arabic words with a proclitic. */
export function indexText(text: string): string {
  const folded = stripPunctuation(foldText(text));
  if (!/[\u0600-\u06ff]/.test(folded)) return folded;
  const extra = folded.split(' ').flatMap((word) => indexedForms(word).slice(1));
  return extra.length === 0 ? folded : `${folded} ${extra.join(' ')}`;
}

/** A folded word and the extra forms indexText adds for it. */
function indexedForms(folded: string): string[] {
  if (ARABIC_PROCLITIC_ARTICLE.test(folded) || ARABIC_WA.test(folded)) return [folded, folded.slice(1)];
  if (ARABIC_LI_ARTICLE.test(folded)) return [folded, `ال${folded.slice(2)}`];
  return [folded];
}

/** The folded words of what someone typed, in order, without repeats. */
export function queryTokens(query: string): string[] {
  const words = stripPunctuation(foldText(query))
    .split(' ')
    .filter((w) => w.length > 0)
    .map((w) => w.slice(0, MAX_TOKEN_LENGTH));
  return [...new Set(words)].slice(0, MAX_QUERY_TOKENS);
}

/**
 * An FTS5 MATCH expression for results as you type: every word must appear, each as a prefix.
 * Every token is a double-quoted string, so nothing a user types (AND, NEAR, *, ", column filters)
 * is read as FTS syntax. Null when there is nothing to search for.
 */
export function ftsQuery(query: string): string | null {
  const tokens = queryTokens(query);
  if (tokens.length === 0) return null;
  return tokens.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' ');
}

const SNIPPET_RADIUS = 70;

/**
 * A plain-text excerpt of `text` around the first word that starts with a query token (compared
 * folded), or the opening of the text when none does.
 */
export function searchSnippet(text: string, tokens: readonly string[], radius = SNIPPET_RADIUS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  let at = -1;
  if (tokens.length > 0) {
    for (const word of flat.matchAll(/[\p{L}\p{N}\p{M}\u0640]+/gu)) {
      const folded = foldText(word[0]);
      if (tokens.some((t) => indexedForms(folded).some((form) => form.startsWith(t)))) {
        at = word.index;
        break;
      }
    }
  }
  if (at < 0) return flat.length > radius * 2 ? `${flat.slice(0, radius * 2 - 1)}…` : flat;
  const start = Math.max(0, at - radius);
  const end = Math.min(flat.length, at + radius);
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}
