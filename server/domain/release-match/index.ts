// Release matching: links an enquiry to the press release it is about, or to none. Pure and
// in-memory: buildReleaseIndex once per catalogue change, matchRelease per message.
import {
  canonicalizeUrl,
  extractUrls,
  isStopWord,
  normalizeForMatch,
  splitTranslationSuffix,
} from '../text-normalize.ts';
import { analyse, crossScriptKey, type Analysed } from './analyze.ts';
import { Bm25Index, type Bm25Data } from './bm25.ts';
import { cueFactor, dateCue, isEverydayWord, isGenreStem, type DateCue } from './cues.ts';
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

/** What the index keeps of a release: everything but the body, which lives on as terms and shingles. */
export type IndexedReleaseInfo = Omit<CatalogueRelease, 'body'>;

interface IndexedRelease {
  release: IndexedReleaseInfo;
  titleWords: string[];
  /** Whether it is written in Arabic script (its skeleton keys are `ka:`). */
  arabicScript: boolean;
}

/** The catalogue, prepared for matching. Opaque to callers; plain data apart from the BM25 wrapper. */
export interface ReleaseIndex {
  readonly releases: IndexedRelease[];
  readonly bm25: Bm25Index;
  readonly lexicon: Lexicon;
  /** Canonical URL (and URL without host) → release position. */
  readonly byUrl: Map<string, number>;
  /** Three consecutive title words → release positions. */
  readonly titleGrams: Map<string, number[]>;
  readonly familyMembers: Map<number, number[]>;
  /** Hashed body word 5-grams of release p, sorted: shingleHashes[shingleStart[p] .. shingleStart[p + 1]). */
  readonly shingleStart: Int32Array;
  readonly shingleHashes: Uint32Array;
  /** Publication times (ms) by position, for the date prior over the whole catalogue. */
  readonly published: Float64Array;
  /** 1 where the release is in Arabic script, by position (packed for the pass over the catalogue). */
  readonly arabic: Uint8Array;
}

/** A ReleaseIndex as structured-clonable data, with the buffers that can be transferred. */
export interface ReleaseIndexData {
  index: Omit<ReleaseIndex, 'bm25'> & { bm25: Bm25Data };
  transfer: ArrayBuffer[];
}

const TITLE_REPEAT = 3;
const SHINGLE = 5;

function pathOnly(canonical: string): string {
  const slash = canonical.indexOf('/');
  return slash < 0 ? canonical : canonical.slice(slash);
}

function grams(words: string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= words.length; i++) out.push(words.slice(i, i + n).join(' '));
  return out;
}

// Shingles are compared as 32-bit hashes: sorted arrays of numbers are compact, transferable and
// searched without building strings (a false match needs a 1-in-4-billion collision).
function wordHash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Hash of each run of SHINGLE consecutive words, in text order. */
export function shingleHashes(words: string[]): number[] {
  const wh = words.map(wordHash);
  const out: number[] = [];
  for (let i = 0; i + SHINGLE <= wh.length; i++) {
    let h = 0x9e3779b9;
    for (let j = 0; j < SHINGLE; j++) {
      h = Math.imul(h ^ wh[i + j]!, 0x85ebca6b);
      h ^= h >>> 13;
    }
    out.push(h >>> 0);
  }
  return out;
}

function hasShingle(index: ReleaseIndex, pos: number, hash: number): boolean {
  const hashes = index.shingleHashes;
  let lo = index.shingleStart[pos]!;
  let hi = index.shingleStart[pos + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const h = hashes[mid]!;
    if (h === hash) return true;
    if (h < hash) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Builds the matching index for a catalogue (learns cross-script terms from its translation families). */
export function buildReleaseIndex(releases: CatalogueRelease[]): ReleaseIndex {
  const indexed: IndexedRelease[] = [];
  const bm25 = new Bm25Index();
  const byUrl = new Map<string, number>();
  const titleGrams = new Map<string, number[]>();
  const familyMembers = new Map<number, number[]>();
  const shingles: Uint32Array[] = [];
  // Stems of title and body, kept only for releases in a translation family (the parallel texts).
  const inFamily = new Set<number>();
  for (const r of releases) if (r.familyId !== r.id) inFamily.add(r.familyId).add(r.id);
  const familyStems = new Map<number, Set<string>>();
  releases.forEach((release, pos) => {
    const title = analyse(release.title);
    const body = analyse(release.body);
    const arabicScript = /[\u0600-\u06ff]/.test(release.title) && !/[a-z]{4}/i.test(release.title);
    const { body: _body, ...info } = release;
    indexed.push({ release: info, titleWords: title.words, arabicScript });
    if (inFamily.has(release.id)) familyStems.set(release.id, new Set([...body.stems, ...title.stems]));
    shingles.push(Uint32Array.from(new Set(shingleHashes(body.words))).sort());
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
      const a = familyStems.get(indexed[orig]!.release.id);
      const b = familyStems.get(indexed[p]!.release.id);
      if (a && b) pairs.push({ a, b });
    }
  }
  const shingleStart = new Int32Array(releases.length + 1);
  for (let p = 0; p < shingles.length; p++) shingleStart[p + 1] = shingleStart[p]! + shingles[p]!.length;
  const packed = new Uint32Array(shingleStart[releases.length]!);
  shingles.forEach((h, p) => packed.set(h, shingleStart[p]!));
  return {
    releases: indexed,
    bm25,
    lexicon: learnLexicon(pairs),
    byUrl,
    titleGrams,
    familyMembers,
    shingleStart,
    shingleHashes: packed,
    published: Float64Array.from(releases, (r) => r.publishedAt.getTime()),
    arabic: Uint8Array.from(indexed, (r) => (r.arabicScript ? 1 : 0)),
  };
}

/** The index as data for postMessage (its typed arrays listed for transfer, so they are not copied). */
export function releaseIndexToData(index: ReleaseIndex): ReleaseIndexData {
  const bm25 = index.bm25.toData();
  return {
    index: { ...index, bm25 },
    transfer: [
      bm25.start.buffer,
      bm25.docs.buffer,
      bm25.weights.buffer,
      bm25.idf.buffer,
      index.shingleStart.buffer,
      index.shingleHashes.buffer,
      index.published.buffer,
      index.arabic.buffer,
    ] as ArrayBuffer[],
  };
}

/** The index back from releaseIndexToData's output. */
export function releaseIndexFromData(data: ReleaseIndexData['index']): ReleaseIndex {
  return { ...data, bm25: Bm25Index.fromData(data.bm25) };
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
/** Words every enquiry uses ("newspaper", "comment", "رسمي") count this much of a topic word. */
const GENRE_WEIGHT = 0.3;

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
  /** When the sender says the release came out ("yesterday"), if they do. */
  cue: DateCue | null;
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
      const w = isGenreStem(stem) ? s.weight * GENRE_WEIGHT : s.weight;
      put(stem, w, shown);
      for (const t of index.lexicon.get(stem) ?? []) put(t.term, w * LEXICON_WEIGHT * t.conf, shown);
    }
    for (const [key, raw] of a.entities) put(key, s.weight * (KIND_WEIGHT[key.split(':')[0]!] ?? 1), raw);
    for (const [key, word] of a.skeletons) put(crossScriptKey(key), s.weight * KIND_WEIGHT.kl!, word);
  }
  return { weights, display, cue: null };
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

function findQuotes(
  index: ReleaseIndex,
  sources: SourceText[],
  cands: number[],
  found: Map<number, Explicit>,
): void {
  for (const s of sources) {
    if (s.source === 'subject') continue;
    const sg = shingleHashes(s.analysed.words);
    if (sg.length === 0) continue;
    // Shingles shared by several candidate families are boilerplate (footers, "Further information").
    const families = new Map<number, Set<number>>();
    const present = new Map<number, Set<number>>();
    const unique = new Set(sg);
    const note = (pos: number, g: number): void => {
      const set = families.get(g) ?? new Set<number>();
      set.add(index.releases[pos]!.release.familyId);
      families.set(g, set);
      const at = present.get(pos) ?? new Set<number>();
      at.add(g);
      present.set(pos, at);
    };
    for (const pos of cands) {
      const from = index.shingleStart[pos]!;
      const to = index.shingleStart[pos + 1]!;
      // Probe the shorter side: a long forwarded text against a short release, or the reverse.
      if (unique.size * Math.log2(to - from + 2) < to - from) {
        for (const g of unique) if (hasShingle(index, pos, g)) note(pos, g);
      } else {
        for (let i = from; i < to; i++) {
          const g = index.shingleHashes[i]!;
          if (unique.has(g)) note(pos, g);
        }
      }
    }
    for (const [pos, has] of present) {
      let shared = 0;
      let firstAt = -1;
      for (let i = 0; i < sg.length; i++) {
        const g = sg[i]!;
        if (!has.has(g) || (families.get(g)?.size ?? 0) > 2) continue;
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
  // "Yesterday", "last week" in the sender's own words narrow when the release came out.
  const cue = dateCue(`${enquiry.subject}\n${enquiry.newText}`);
  query.cue = cue;
  const scores = index.bm25.score(query.weights);
  const n = index.releases.length;
  const explicit = new Map<number, Explicit>();
  findUrls(index, sources, explicit);
  findTitles(index, sources, explicit);
  // Candidates for the costlier checks: the best-scoring releases and anything explicitly cited.
  // Also the best of each script after the date prior, so a cross-language match is always considered.
  const when = enquiry.date.getTime();
  const k = Math.min(n, 8);
  const best = new TopK(k);
  const bestDated = new TopK(k);
  const bestLatin = new TopK(k);
  const bestArabic = new TopK(k);
  for (let i = 0; i < n; i++) {
    const sc = scores[i]!;
    if (sc <= 0) continue;
    if (best.admits(sc)) best.offer(i, sc);
    // The date prior only lowers a score: skip it where even the undated score could not get in.
    const script = index.arabic[i] === 1 ? bestArabic : bestLatin;
    if (!bestDated.admits(sc) && !script.admits(sc)) continue;
    const days = (when - index.published[i]!) / 86_400_000;
    const dated = sc * recencyFromDays(days) * cueFactor(cue, days);
    bestDated.offer(i, dated);
    script.offer(i, dated);
  }
  const candSet = new Set<number>([
    ...best.positions(),
    ...bestDated.positions(),
    ...bestLatin.positions(),
    ...bestArabic.positions(),
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
  const words = distinctiveWords(index, query);
  const newScores = new Map<number, number>();
  const resolvedNew = index.bm25.resolve(newQuery);
  for (const pos of cands) newScores.set(pos, index.bm25.scoreOne(resolvedNew, pos));
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
      titleRel: 1,
      support: 0,
      onTitle: false,
      recency: 0,
      explicit: {},
    };
    fam.members.push(pos);
    const baseRec = recencyFactor(enquiry.date, r.publishedAt);
    const rec = baseRec * cueFactor(cue, (when - r.publishedAt.getTime()) / 86_400_000);
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
    const shared = sharedWords(index, words, pos);
    fam.support = Math.max(fam.support, shared.support);
    fam.onTitle ||= shared.onTitle;
    const ex = explicit.get(pos);
    // A cited release keeps the plain date prior: the cue is for telling similar releases apart.
    if (ex) mergeExplicit(fam, pos, ex, baseRec);
    families.set(r.familyId, fam);
  }
  const fams = [...families.values()];
  weighTitlesOfCited(index, fams, sources, newSays);
  return {
    result: decide(index, enquiry, fams, query, options),
    features: withFeatures ? features(index, fams, query) : {},
  };
}

/** A word of the enquiry: its query terms (stem, translations, name keys), rarity and weight. */
interface EnquiryWord {
  terms: string[];
  /** Idf of its main term relative to a term in exactly one release (capped at 1). */
  rarity: number;
  /** Its query weight: 1 in the sender's own words, less in quoted text. */
  weight: number;
}

/**
 * The enquiry's words that could tell releases apart. Everyday and genre words are left out whatever
 * their idf: in a small catalogue "today" may be in one release only, and still says nothing.
 */
function distinctiveWords(index: ReleaseIndex, query: Query): EnquiryWord[] {
  // Rarity relative to a word in exactly one release, so a small catalogue does not weaken every word.
  const singleIdf = Math.log(1 + (index.bm25.size - 0.5) / 1.5);
  const byWord = new Map<string, { terms: string[]; lead: string; weight: number }>();
  for (const [term, w] of query.weights) {
    if (term.startsWith('y:')) continue; // a year alone is not a topic
    const shown = query.display.get(term) ?? term;
    const word = byWord.get(shown) ?? { terms: [], lead: term, weight: -1 };
    word.terms.push(term);
    if (w > word.weight) {
      word.lead = term;
      word.weight = w;
    }
    byWord.set(shown, word);
  }
  const out: EnquiryWord[] = [];
  for (const [shown, word] of byWord) {
    if (isEverydayWord(shown) || singleIdf <= 0) continue;
    const rarity = Math.min(1, index.bm25.idfOf(word.lead) / singleIdf);
    out.push({ terms: word.terms, rarity, weight: Math.min(1, word.weight) });
  }
  return out;
}

/**
 * What release `pos` shares with the enquiry's distinctive words: `support` counts them by rarity
 * and weight (a word in one release, in the sender's own words, counts 1) — an absolute measure,
 * unlike the lead over the next release, which is large whenever every other release is unrelated;
 * `onTitle` says whether one of them is in the release's title (what the release is about).
 */
function sharedWords(
  index: ReleaseIndex,
  words: EnquiryWord[],
  pos: number,
): { support: number; onTitle: boolean } {
  let title: Set<string> | null = null;
  let support = 0;
  let onTitle = false;
  for (const w of words) {
    if (!w.terms.some((t) => index.bm25.contribution(t, 1, pos) > 0)) continue;
    support += w.rarity * w.weight;
    if (!onTitle) {
      title ??= titleTerms(index.releases[pos]!.release.title);
      onTitle = w.terms.some((t) => title!.has(t));
    }
  }
  return { support, onTitle };
}

function titleTerms(title: string): Set<string> {
  const a = analyse(title);
  return new Set([...a.stems, ...a.entities.keys(), ...a.skeletons.keys()]);
}

/**
 * When several releases are cited (a forwarded digest, a chain of quoted mails), the one whose title
 * the sender's own words echo ("the Foreign Secretary's own statement") is the one asked about:
 * each cited family gets its title overlap with subject and new text, relative to the best of them.
 */
function weighTitlesOfCited(
  index: ReleaseIndex,
  fams: FamilyScore[],
  sources: SourceText[],
  newSays: boolean,
): void {
  const cited = fams.filter((f) => f.explicit.url || f.explicit.title || f.explicit.quote);
  if (cited.length < 2 || !newSays) return;
  const own = new Set([...sources[0]!.analysed.words, ...sources[1]!.analysed.words]);
  const cover = new Map<FamilyScore, number>();
  for (const f of cited) {
    let best = 0;
    for (const pos of f.members) {
      const words = [...new Set(index.releases[pos]!.titleWords.filter((w) => !isStopWord(w)))];
      if (words.length === 0) continue;
      best = Math.max(best, words.filter((w) => own.has(w)).length / words.length);
    }
    cover.set(f, best);
  }
  const max = Math.max(...cover.values());
  if (max <= 0) return;
  for (const [f, c] of cover) f.titleRel = c / max;
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

/** The k best (position, score) pairs seen; on equal scores the earlier position stays. */
class TopK {
  private readonly pos: number[] = [];
  private readonly val: number[] = [];
  private min = -1;

  constructor(private readonly k: number) {}

  offer(pos: number, value: number): void {
    if (this.pos.length < this.k) {
      this.pos.push(pos);
      this.val.push(value);
      if (this.pos.length === this.k) this.findMin();
      return;
    }
    if (this.k === 0 || value <= this.val[this.min]!) return;
    this.pos[this.min] = pos;
    this.val[this.min] = value;
    this.findMin();
  }

  /** Whether a score could enter now (scores at or below the lowest kept one cannot). */
  admits(value: number): boolean {
    return this.pos.length < this.k || (this.k > 0 && value > this.val[this.min]!);
  }

  positions(): number[] {
    return this.pos;
  }

  // The slot to give up next: the lowest score, and among equals the latest position.
  private findMin(): void {
    let m = 0;
    for (let i = 1; i < this.val.length; i++) {
      const v = this.val[i]!;
      if (v < this.val[m]! || (v === this.val[m]! && this.pos[i]! > this.pos[m]!)) m = i;
    }
    this.min = m;
  }
}

export type { Analysed };
export type { Evidence as MatchEvidence };
