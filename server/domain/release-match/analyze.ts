// Turns text into the terms the index and the queries share. Terms are plain stems for words, and
// prefixed keys for language-neutral features: `g:` gazetteer concept, `n:`/`d:`/`y:` figures and
// dates, `kl:`/`ka:` consonant skeletons of Latin names / Arabic words (matched across scripts only).
import { extractFigures, foldText, isStopWord, stemWord, stripPunctuation } from '../text-normalize.ts';
import { findConcepts } from './gazetteer.ts';
import { arabicSkeleton, latinSkeleton } from './skeleton.ts';

const ARABIC = /[\u0621-\u064a]/;

export interface Analysed {
  /** Normalised words, stop words kept (for phrase and quote matching). */
  words: string[];
  /** Word stems (stop words dropped), in order, with repeats. */
  stems: string[];
  /** Language-neutral keys (concepts, figures), with the text that produced each. */
  entities: Map<string, string>;
  /** Skeleton keys of Latin proper names (`kl:`) and of Arabic words (`ka:`), with their source word. */
  skeletons: Map<string, string>;
  /** A surface word for each stem (the first seen), for readable reasons. */
  surface: Map<string, string>;
}

// A capitalised word or acronym in Latin script, read before case folding.
const CAPITALISED = /(?<![\p{L}\p{N}])(\p{Lu}[\p{L}'’-]*)/gu;

/** Analyses one piece of text into words, stems, entity keys and skeleton keys. */
export function analyse(text: string): Analysed {
  const folded = foldText(text);
  const norm = stripPunctuation(folded);
  const words = norm === '' ? [] : norm.split(' ');
  const stems: string[] = [];
  const surface = new Map<string, string>();
  for (const w of words) {
    if ((w.length < 2 && !/\d/.test(w)) || isStopWord(w)) continue;
    // Numbers are handled as figures; as words they would only be noise ("000", "2").
    if (/^\d+$/.test(w)) continue;
    const s = stemWord(w);
    if (s.length < 2) continue;
    stems.push(s);
    if (!surface.has(s)) surface.set(s, w);
  }
  const entities = new Map<string, string>();
  for (const f of extractFigures(folded, true)) entities.set(f.key, f.raw);
  for (const h of findConcepts(words)) {
    const key = `g:${h.concept}`;
    if (!entities.has(key)) entities.set(key, words.slice(h.at, h.at + h.length).join(' '));
  }
  const skeletons = new Map<string, string>();
  for (const m of text.matchAll(CAPITALISED)) {
    const w = m[1]!
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z]+/g, ' ');
    for (const part of w.split(' ')) {
      if (part.length < 3 || isStopWord(part)) continue;
      const sk = latinSkeleton(part);
      if (sk.length >= 3) skeletons.set(`kl:${sk}`, part);
    }
  }
  for (const w of words) {
    if (!ARABIC.test(w) || w.length < 3 || isStopWord(w)) continue;
    const sk = arabicSkeleton(w);
    if (sk.length >= 3) skeletons.set(`ka:${sk}`, w);
  }
  return { words, stems, entities, skeletons, surface };
}

/** The skeleton key of the other script, used to look a name up across scripts. */
export function crossScriptKey(key: string): string {
  return key.startsWith('kl:') ? `ka:${key.slice(3)}` : `kl:${key.slice(3)}`;
}
