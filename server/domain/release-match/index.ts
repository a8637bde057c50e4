// Release matching: links an enquiry to the press release it is about, or to none. Pure and
// in-memory: buildReleaseIndex once per catalogue change, matchRelease per message.
import {
  canonicalizeUrl,
  extractUrls,
  normalizeForMatch,
  splitTranslationSuffix,
} from '../text-normalize.ts';
import { analyse, crossScriptKey, type Analysed } from './analyze.ts';
import { Bm25Index } from './bm25.ts';
import { learnLexicon, type Lexicon, type ParallelPair } from './lexicon.ts';
import { decide, features, type FamilyScore } from './decide.ts';
import type { CatalogueRelease, EnquiryText, Evidence, MatchOptions, MatchResult } from './types.ts';

export type {
  CatalogueRelease,
  EnquiryText,
  Evidence,
  EvidenceKind,
  MatchOptions,
  MatchResult,
} from './types.ts';
export { DEFAULT_THRESHOLD } from './decide.ts';

interface IndexedRelease {
  release: CatalogueRelease;
  titleWords: string[];
  bodyWords: string[];
  /** Whether it is written in Arabic script (its skeleton keys are `ka:`). */
  arabicScript: boolean;
}

/** The catalogue, prepared for matching. Opaque to callers. */
export interface ReleaseIndex {
  readonly releases: IndexedRelease[];
  readonly bm25: Bm25Index;
  readonly lexicon: Lexicon;
  /** Canonical URL (and URL without host) → release position. */
  readonly byUrl: Map<string, number>;
  /** Three consecutive title words → release positions. */
  readonly titleGrams: Map<string, number[]>;
  readonly familyMembers: Map<number, number[]>;
  /** Body word 5-grams per release, computed on first use (quote checks touch few releases). */
  readonly bodyGrams: Map<number, Set<string>>;
  /** Publication times (ms) by position, for the date prior over the whole catalogue. */
  readonly published: Float64Array;
}

const TITLE_REPEAT = 3;

function pathOnly(canonical: string): string {
  const slash = canonical.indexOf('/');
  return slash < 0 ? canonical : canonical.slice(slash);
}

function grams(words: string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= words.length; i++) out.push(words.slice(i, i + n).join(' '));
  return out;
}

/** Builds the matching index for a catalogue (learns cross-script terms from its translation families). */
export function buildReleaseIndex(releases: CatalogueRelease[]): ReleaseIndex {
  const indexed: IndexedRelease[] = [];
  const analysedById = new Map<number, Analysed>();
  const bm25 = new Bm25Index();
  const byUrl = new Map<string, number>();
  const titleGrams = new Map<string, number[]>();
  const familyMembers = new Map<number, number[]>();
  releases.forEach((release, pos) => {
    const title = analyse(release.title);
    const body = analyse(release.body);
    const arabicScript = /[\u0600-\u06ff]/.test(release.title) && !/[a-z]{4}/i.test(release.title);
    indexed.push({ release, titleWords: title.words, bodyWords: body.words, arabicScript });
    analysedById.set(release.id, body);
    const terms: string[] = [];
    for (let i = 0; i < TITLE_REPEAT; i++) terms.push(...title.stems);
    terms.push(...body.stems);
    for (const k of new Set([...title.entities.keys(), ...body.entities.keys()])) terms.push(k);
    for (const k of title.entities.keys()) terms.push(k);
    for (const k of new Set([...title.skeletons.keys(), ...body.skeletons.keys()])) {
      // A document's skeletons only ever meet the other script's words, so keep its own kind.
      if (arabicScript ? k.startsWith('ka:') : k.startsWith('kl:')) terms.push(k);
    }
    bm25.add(pos, terms);
    const canon = canonicalizeUrl(release.url);
    if (canon) {
      byUrl.set(canon, pos);
      byUrl.set(pathOnly(canon), pos);
    }
    const tw = title.words;
    for (const g of new Set(tw.length >= 3 ? grams(tw, 3) : [tw.join(' ')])) {
      const list = titleGrams.get(g) ?? [];
      list.push(pos);
      titleGrams.set(g, list);
    }
    const fam = familyMembers.get(release.familyId) ?? [];
    fam.push(pos);
    familyMembers.set(release.familyId, fam);
  });
  bm25.finish();
  // Parallel pairs: each translation with its family's original, when the scripts differ.
  const pairs: ParallelPair[] = [];
  for (const members of familyMembers.values()) {
    const orig = members.find((p) => indexed[p]!.release.id === indexed[p]!.release.familyId);
    if (orig === undefined) continue;
    for (const p of members) {
      if (p === orig || indexed[p]!.arabicScript === indexed[orig]!.arabicScript) continue;
      const a = analysedById.get(indexed[orig]!.release.id)!;
      const b = analysedById.get(indexed[p]!.release.id)!;
      const ta = analyse(indexed[orig]!.release.title);
      const tb = analyse(indexed[p]!.release.title);
      pairs.push({ a: new Set([...a.stems, ...ta.stems]), b: new Set([...b.stems, ...tb.stems]) });
    }
  }
  return {
    releases: indexed,
    bm25,
    lexicon: learnLexicon(pairs),
    byUrl,
    titleGrams,
    familyMembers,
    bodyGrams: new Map(),
    published: Float64Array.from(releases, (r) => r.publishedAt.getTime()),
  };
}

// ---------------------------------------------------------------------------------------------

type Source = 'subject' | 'new' | 'quoted';

interface SourceText {
  source: Source;
  text: string;
  weight: number;
  analysed: Analysed;
}

/** Per-release explicit evidence found while matching. */
export interface Explicit {
  url?: { source: Source; detail: string };
  title?: { source: Source; detail: string; full: boolean };
  quote?: { source: Source; detail: string; strength: number };
}

const SUBJECT_PREFIX =
  /^\s*((re|fw|fwd|aw|wg|tr|rv|sv|res|enc|rif|r|رد|اعاده توجيه|رد تلقايي|automatic reply|out of office)\s*:\s*)+/i;

const KIND_WEIGHT: Record<string, number> = { g: 0.8, n: 1.6, d: 1.4, y: 0.25, kl: 0.6, ka: 0.6 };
const LEXICON_WEIGHT = 0.55;

function sourcesOf(enquiry: EnquiryText): SourceText[] {
  const subject = normalizeForMatch(enquiry.subject).replace(SUBJECT_PREFIX, '');
  const newA = analyse(enquiry.newText);
  // A chaser says little itself; its quoted original is then the best evidence of what it is about.
  const quotedWeight = newA.stems.length >= 25 ? 0.3 : 0.6;
  return [
    { source: 'subject', text: enquiry.subject, weight: 1, analysed: analyse(subject) },
    { source: 'new', text: enquiry.newText, weight: 1, analysed: newA },
    {
      source: 'quoted',
      text: enquiry.quotedText,
      weight: quotedWeight,
      analysed: analyse(enquiry.quotedText),
    },
  ];
}

/** A weighted query, with the enquiry's own wording for each term (for reasons). */
export interface Query {
  weights: Map<string, number>;
  display: Map<string, string>;
}

function buildQuery(index: ReleaseIndex, sources: SourceText[]): Query {
  const weights = new Map<string, number>();
  const display = new Map<string, string>();
  const put = (term: string, w: number, shown: string): void => {
    if (w > (weights.get(term) ?? 0)) {
      weights.set(term, w);
      display.set(term, shown);
    }
  };
  for (const s of sources) {
    const a = s.analysed;
    for (const stem of a.stems) {
      const shown = a.surface.get(stem) ?? stem;
      put(stem, s.weight, shown);
      for (const t of index.lexicon.get(stem) ?? []) put(t.term, s.weight * LEXICON_WEIGHT * t.conf, shown);
    }
    for (const [key, raw] of a.entities) put(key, s.weight * (KIND_WEIGHT[key.split(':')[0]!] ?? 1), raw);
    for (const [key, word] of a.skeletons) put(crossScriptKey(key), s.weight * KIND_WEIGHT.kl!, word);
  }
  return { weights, display };
}

/** Recency prior: enquiries follow their release by hours or days, never (or barely) precede it. */
export function recencyFactor(enquiryDate: Date, publishedAt: Date): number {
  return recencyFromDays((enquiryDate.getTime() - publishedAt.getTime()) / 86_400_000);
}

/** The recency prior for an enquiry sent `days` after publication (negative: before it). */
export function recencyFromDays(days: number): number {
  if (days < -1.5) return 0.05;
  if (days < -0.25) return 0.5; // time zones and embargoed copies
  if (days <= 3) return 1;
  const f = 1 / (1 + 0.22 * Math.log2(days / 3));
  return days > 120 ? f * 0.6 : f;
}

function findUrls(index: ReleaseIndex, sources: SourceText[], found: Map<number, Explicit>): void {
  for (const s of sources) {
    for (const u of extractUrls(s.text)) {
      let pos = index.byUrl.get(u.canonical) ?? index.byUrl.get(pathOnly(u.canonical));
      if (pos === undefined && u.lang) {
        const base = splitTranslationSuffix(u.canonical).base;
        pos = index.byUrl.get(base) ?? index.byUrl.get(pathOnly(base));
      }
      if (pos === undefined) continue;
      const ex = found.get(pos) ?? {};
      if (!ex.url || (ex.url.source === 'quoted' && s.source !== 'quoted'))
        ex.url = { source: s.source, detail: u.canonical };
      found.set(pos, ex);
    }
  }
}

function longestRun(hay: string[], needle: string[], start: number): number {
  // Longest run of needle words appearing contiguously in hay, trying each alignment of needle[start..].
  let best = 0;
  for (let i = 0; i < hay.length; i++) {
    for (let j = start; j < needle.length; j++) {
      if (hay[i] !== needle[j]) continue;
      let k = 0;
      while (i + k < hay.length && j + k < needle.length && hay[i + k] === needle[j + k]) k++;
      if (k > best) best = k;
    }
  }
  return best;
}

function findTitles(index: ReleaseIndex, sources: SourceText[], found: Map<number, Explicit>): void {
  for (const s of sources) {
    const words = s.analysed.words;
    const hits = new Map<number, number>();
    for (const g of new Set(grams(words, 3)))
      for (const p of index.titleGrams.get(g) ?? []) hits.set(p, (hits.get(p) ?? 0) + 1);
    for (const p of index.titleGrams.get(words.join(' ')) ?? []) hits.set(p, 1e9);
    for (const [pos, h] of hits) {
      const tw = index.releases[pos]!.titleWords;
      // A run of r title words gives r-2 title trigrams: skip releases that cannot reach 80 %.
      if (h < Math.max(1, Math.ceil(0.8 * tw.length) - 2)) continue;
      const run = longestRun(words, tw, 0);
      const full = run === tw.length;
      // A near-complete title (a dropped word, an "(Archived)" tag) still names the release.
      if (!full && (run < 5 || run < 0.8 * tw.length)) continue;
      const ex = found.get(pos) ?? {};
      const rank = (x: Explicit['title']): number =>
        x ? (x.source === 'quoted' ? 0 : 2) + (x.full ? 1 : 0) : -1;
      const cand = { source: s.source, detail: index.releases[pos]!.release.title, full };
      if (rank(cand) > rank(ex.title)) ex.title = cand;
      found.set(pos, ex);
    }
  }
  // A title that is a prefix of a longer title ("… Daesh" vs "… Daesh in Rome") names only itself.
  for (const [pos, ex] of found) {
    if (!ex.title?.full) continue;
    const mine = index.releases[pos]!.titleWords.length;
    for (const [other, ox] of found) {
      if (other !== pos && ox.title?.full && index.releases[other]!.titleWords.length < mine) {
        const otherTitle = index.releases[other]!.titleWords.join(' ');
        if (index.releases[pos]!.titleWords.join(' ').includes(otherTitle)) delete ox.title;
      }
    }
  }
}

const SHINGLE = 5;

function findQuotes(
  index: ReleaseIndex,
  sources: SourceText[],
  cands: number[],
  found: Map<number, Explicit>,
): void {
  const bodyGrams = index.bodyGrams;
  for (const pos of cands) {
    if (!bodyGrams.has(pos)) bodyGrams.set(pos, new Set(grams(index.releases[pos]!.bodyWords, SHINGLE)));
  }
  for (const s of sources) {
    if (s.source === 'subject') continue;
    const sg = grams(s.analysed.words, SHINGLE);
    if (sg.length === 0) continue;
    // Shingles shared by several candidate families are boilerplate (footers, "Further information").
    const families = new Map<string, Set<number>>();
    for (const g of new Set(sg)) {
      for (const pos of cands) {
        if (!bodyGrams.get(pos)!.has(g)) continue;
        const set = families.get(g) ?? new Set<number>();
        set.add(index.releases[pos]!.release.familyId);
        families.set(g, set);
      }
    }
    for (const pos of cands) {
      const bg = bodyGrams.get(pos)!;
      let shared = 0;
      let firstAt = -1;
      for (let i = 0; i < sg.length; i++) {
        const g = sg[i]!;
        if (!bg.has(g) || (families.get(g)?.size ?? 0) > 2) continue;
        shared++;
        if (firstAt < 0) firstAt = i;
      }
      if (shared < 3) continue;
      const strength = Math.min(1, shared / 12);
      const ex = found.get(pos) ?? {};
      const prev = ex.quote;
      const better =
        !prev ||
        (prev.source === 'quoted' && s.source !== 'quoted') ||
        (prev.source === s.source && strength > prev.strength);
      if (better) {
        const detail = s.analysed.words
          .slice(firstAt, firstAt + Math.min(shared + SHINGLE - 1, 12))
          .join(' ');
        ex.quote = { source: s.source, detail, strength };
      }
      found.set(pos, ex);
    }
  }
}

/** Matches one enquiry against the catalogue: the release it is about (or null), with confidence and reason. */
export function matchRelease(
  index: ReleaseIndex,
  enquiry: EnquiryText,
  options: MatchOptions = {},
): MatchResult {
  return matchWithFeatures(index, enquiry, options, false).result;
}

/** matchRelease plus the numeric features behind the decision (for benches and tuning). */
export function matchWithFeatures(
  index: ReleaseIndex,
  enquiry: EnquiryText,
  options: MatchOptions = {},
  withFeatures = true,
): { result: MatchResult; features: Record<string, number> } {
  const sources = sourcesOf(enquiry);
  const query = buildQuery(index, sources);
  const scores = index.bm25.score(query.weights);
  const n = index.releases.length;
  const explicit = new Map<number, Explicit>();
  findUrls(index, sources, explicit);
  findTitles(index, sources, explicit);
  // Candidates for the costlier checks: the best-scoring releases and anything explicitly cited.
  // Also the best of each script after the date prior, so a cross-language match is always considered.
  const when = enquiry.date.getTime();
  const dated = new Float64Array(n);
  const latin = new Float64Array(n);
  const arabic = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (scores[i]! <= 0) continue;
    dated[i] = scores[i]! * recencyFromDays((when - index.published[i]!) / 86_400_000);
    (index.releases[i]!.arabicScript ? arabic : latin)[i] = dated[i]!;
  }
  const k = Math.min(n, 8);
  const candSet = new Set<number>([
    ...topK(scores, k),
    ...topK(dated, k),
    ...topK(latin, k),
    ...topK(arabic, k),
    ...explicit.keys(),
  ]);
  for (const pos of [...candSet])
    for (const m of index.familyMembers.get(index.releases[pos]!.release.familyId) ?? []) candSet.add(m);
  findQuotes(index, sources, [...candSet], explicit);
  // Similarity, relative to the best candidate: overall, within the release's own script (so an
  // Arabic question about an English-only release is not drowned by Arabic releases that merely share
  // everyday words), and on the sender's own words alone (so quoted history cannot steal the link).
  const cands = [...candSet];
  const newQuery = buildQuery(
    index,
    sources.filter((s) => s.source !== 'quoted'),
  ).weights;
  const newScores = new Map<number, number>();
  for (const pos of cands) {
    let sc = 0;
    for (const [term, w] of newQuery) sc += index.bm25.contribution(term, w, pos);
    newScores.set(pos, sc);
  }
  let maxAll = 0;
  let maxNew = 0;
  const maxScript = [0, 0];
  for (const pos of cands) {
    maxAll = Math.max(maxAll, scores[pos]!);
    maxNew = Math.max(maxNew, newScores.get(pos)!);
    const sc = index.releases[pos]!.arabicScript ? 1 : 0;
    maxScript[sc] = Math.max(maxScript[sc]!, scores[pos]!);
  }
  const rel = (x: number, max: number): number => (max > 0 ? x / max : 0);
  // A chaser ("any news?") says too little for its own words to arbitrate.
  const newSays = sources[0]!.analysed.stems.length + sources[1]!.analysed.stems.length >= 8;
  const families = new Map<number, FamilyScore>();
  for (const pos of cands) {
    const r = index.releases[pos]!.release;
    const fam = families.get(r.familyId) ?? {
      familyId: r.familyId,
      members: [],
      best: -1,
      bm25: 0,
      sim: 0,
      newRel: 0,
      recency: 0,
      explicit: {},
    };
    fam.members.push(pos);
    const rec = recencyFactor(enquiry.date, r.publishedAt);
    const script = maxScript[index.releases[pos]!.arabicScript ? 1 : 0]!;
    const sim =
      (0.35 * rel(scores[pos]!, maxAll) +
        0.35 * rel(scores[pos]!, script) +
        0.3 * rel(newScores.get(pos)!, maxNew)) *
      rec;
    if (sim > fam.sim || fam.best < 0) {
      fam.bm25 = scores[pos]!;
      fam.sim = sim;
      fam.recency = rec;
      fam.best = pos;
    }
    fam.newRel = Math.max(fam.newRel, newSays ? rel(newScores.get(pos)!, maxNew) : 1);
    const ex = explicit.get(pos);
    if (ex) mergeExplicit(fam, pos, ex, rec);
    families.set(r.familyId, fam);
  }
  const fams = [...families.values()];
  return {
    result: decide(index, enquiry, fams, query, options),
    features: withFeatures ? features(index, fams, query) : {},
  };
}

function mergeExplicit(fam: FamilyScore, pos: number, ex: Explicit, rec: number): void {
  const srcRank = (s: Source | undefined): number => (s === undefined ? -1 : s === 'quoted' ? 0 : 1);
  for (const kind of ['url', 'title', 'quote'] as const) {
    const e = ex[kind];
    if (!e) continue;
    const have = fam.explicit[kind];
    if (!have || srcRank(e.source) > srcRank(have.source))
      fam.explicit[kind] = { ...e, pos, recency: rec } as never;
  }
}

function topK(scores: Float64Array, k: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (scores[i]! <= 0) continue;
    if (idx.length < k) {
      idx.push(i);
      if (idx.length === k) idx.sort((a, b) => scores[b]! - scores[a]!);
    } else if (scores[i]! > scores[idx[k - 1]!]!) {
      idx[k - 1] = i;
      for (let j = k - 1; j > 0 && scores[idx[j]!]! > scores[idx[j - 1]!]!; j--)
        [idx[j], idx[j - 1]] = [idx[j - 1]!, idx[j]!];
    }
  }
  return idx.sort((a, b) => scores[b]! - scores[a]!);
}

export type { Analysed };
export type { Evidence as MatchEvidence };
