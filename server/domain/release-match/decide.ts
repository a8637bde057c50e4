// Combines the signals per translation family and decides: a release, or "no release". The decision
// uses the kind of evidence (a link or a quoted title settles it), the lead over the next family, how
// many of the enquiry's rare words the release shares (an absolute floor under that relative lead),
// the named things it shares, and the date.
import type { Query, ReleaseIndex } from './index.ts';
import { cueFactor } from './cues.ts';
import type { EnquiryText, Evidence, MatchOptions, MatchResult } from './types.ts';

type Source = 'subject' | 'new' | 'quoted';

export interface FamilyScore {
  familyId: number;
  members: number[];
  /** The member with the best recency-weighted BM25 score. */
  best: number;
  bm25: number;
  /** Relative similarity of the best member, recency applied. */
  sim: number;
  /** Similarity of the sender's own words (subject + new text) relative to the best family, or 1 when they say little. */
  newRel: number;
  /** Among several cited families, how much the sender's own words echo this one's title, relative to the best (else 1). */
  titleRel: number;
  /** The enquiry's distinctive words a member shares, each counted by rarity (0..1) times weight (own words 1, quoted less). */
  support: number;
  /** Whether one of those shared words is in the release's title (what the release is about). */
  onTitle: boolean;
  recency: number;
  explicit: {
    url?: { source: Source; detail: string; pos: number; recency: number };
    title?: { source: Source; detail: string; full: boolean; pos: number; recency: number };
    quote?: { source: Source; detail: string; strength: number; pos: number; recency: number };
  };
}

/** Default confidence needed to link a release. */
export const DEFAULT_THRESHOLD = 0.5;

export interface Scored {
  fam: FamilyScore;
  /** BM25 relative to the best candidate, times recency. */
  sim: number;
  /** Explicit-evidence points (link, title, quote), weighted by where they were found. */
  ev: number;
  total: number;
}

function explicitPoints(fam: FamilyScore): number {
  const e = fam.explicit;
  // Quoted history counts in full only when the sender's own words also point at this family; a
  // release cited only in history must not steal the link from what the new text is about.
  const q = 0.4 + 0.6 * fam.newRel * (0.5 + 0.5 * fam.titleRel);
  let p = 0;
  if (e.url) p += e.url.source === 'quoted' ? 1.2 * q : 3;
  if (e.title) p += e.title.source === 'quoted' ? (e.title.full ? 0.9 : 0.6) * q : e.title.full ? 2.2 : 1.4;
  if (e.quote)
    p += e.quote.source === 'quoted' ? (0.3 + 0.6 * e.quote.strength) * q : 0.8 + 1.2 * e.quote.strength;
  // A release published after the message cannot be what it cites (bar time zones): damp, not drop.
  const rec = Math.max(e.url?.recency ?? 0, e.title?.recency ?? 0, e.quote?.recency ?? 0);
  return p * (rec < 0.1 ? 0.3 : Math.max(0.6, Math.sqrt(rec)));
}

/**
 * How far shared words back a similarity-only match, as a factor in [0, 1]: 1 once the enquiry and
 * the release share about one word that is rare in the catalogue (everyday and genre words never
 * count), less when they share only common ones, less again when the release lacks most of the named
 * things (places, people, figures) the sender mentions. The lead over the next release is relative;
 * this is the absolute floor, so a release cannot win only because every other one is more unrelated.
 */
export function wordEvidence(fam: FamilyScore, spec: { entHit: number; entAll: number }): number {
  let f = Math.min(1, fam.support / SUPPORT_NEEDED);
  if (spec.entAll >= 3 && spec.entHit * 3 < spec.entAll) f *= 0.4;
  // A word or two in common, none of them in the title, is an aside of the release, not its subject.
  if (fam.support < FEW_WORDS && !fam.onTitle) f *= 0.4;
  return f;
}

/** Shared rare-word weight (see FamilyScore.support) at which a similarity match counts in full. */
const SUPPORT_NEEDED = 0.75;
/** Below this shared rare-word weight, the shared words must include a title word. */
const FEW_WORDS = 2;

/**
 * Scores families; best first. A release that leads on similarity alone, with a few shared words,
 * yields first place to one that shares several times more of the sender's rare words (an older
 * release, typically, held back by the date prior): it is the better guess, though a lead this
 * contested links neither.
 */
export function rankFamilies(families: FamilyScore[]): Scored[] {
  const out = families.map((fam) => {
    const sim = fam.sim;
    const ev = explicitPoints(fam);
    return { fam, sim, ev, total: sim + ev };
  });
  out.sort((a, b) => b.total - a.total);
  const top = out[0];
  if (!top || top.ev > 0) return out;
  let strongest = 0;
  for (let i = 1; i < out.length; i++) if (out[i]!.fam.support > out[strongest]!.fam.support) strongest = i;
  const rival = out[strongest]!.fam;
  // Only a release on the same subject (a shared title word) published before the message qualifies
  // (the date prior gives one published after it at most 0.05).
  if (
    strongest > 0 &&
    rival.onTitle &&
    rival.recency > 0.05 &&
    rival.support >= top.fam.support + OUTWEIGHED_BY &&
    rival.support >= 2.5 * top.fam.support
  )
    out.unshift(...out.splice(strongest, 1));
  return out;
}

/** How much more shared rare-word weight (see FamilyScore.support) takes first place from a similarity lead. */
const OUTWEIGHED_BY = 2;

const pct = (x: number): number => Math.round(x * 100) / 100;

/** Picks the release and builds the result (confidence, reason, evidence, candidates). */
export function decide(
  index: ReleaseIndex,
  enquiry: EnquiryText,
  families: FamilyScore[],
  query: Query,
  options: MatchOptions,
): MatchResult {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const specOf = specCache(index, query);
  const ranked = rankFamilies(families);
  const candidates = ranked.slice(0, 5).map((s) => ({
    releaseId: index.releases[pickMember(index, s.fam)]!.release.id,
    score: pct(s.total),
  }));
  const top = ranked[0];
  if (!top)
    return {
      releaseId: null,
      familyId: null,
      confidence: 0,
      reason: 'no release: nothing similar',
      evidence: [],
      candidates,
    };
  const second = ranked[1];
  const fam = top.fam;
  const evidence: Evidence[] = [];
  const e = fam.explicit;
  if (e.url)
    evidence.push({ kind: 'url', detail: e.url.detail, weight: e.url.source === 'quoted' ? 1.2 : 3 });
  if (e.title)
    evidence.push({ kind: 'title', detail: e.title.detail, weight: e.title.source === 'quoted' ? 0.9 : 2.2 });
  if (e.quote) evidence.push({ kind: 'quote', detail: e.quote.detail, weight: pct(e.quote.strength) });

  const bestPos = fam.best;
  const margin = second ? top.total - second.total : top.total;
  const ratio = second && second.total > 0 ? top.total / second.total : 10;
  const shared = sharedTerms(index, query, bestPos);
  if (shared.length) evidence.push({ kind: 'similarity', detail: shared.join(', '), weight: pct(top.sim) });
  evidence.push({
    kind: 'recency',
    detail: recencyDetail(enquiry.date, index.releases[bestPos]!.release.publishedAt),
    weight: pct(fam.recency),
  });

  let confidence: number;
  const newExplicit = [e.url, e.title, e.quote].some((x) => x && x.source !== 'quoted');
  if (top.ev > 0 && newExplicit && margin > 0.5) {
    confidence = Math.min(0.99, 0.8 + 0.06 * top.ev);
  } else if (top.ev > 0 && margin > 0.4) {
    confidence = Math.min(0.9, 0.6 + 0.1 * top.ev);
  } else {
    // Similarity only: the lead over the next family must be clear; the older the release, the
    // clearer it must be, and terms rare in the catalogue (names, figures, specific words) lower the bar.
    const spec = specOf(fam);
    const needed = Math.max(1.3, 1.35 + 5 * (0.95 - fam.recency) - 0.08 * Math.min(spec.rare, 10));
    const z = 4 * (Math.log(Math.min(ratio, 20)) - Math.log(needed));
    // A lead is only as good as what it leads with: weak own evidence caps the confidence too.
    confidence = wordEvidence(fam, spec) / (1 + Math.exp(-z));
  }
  confidence = pct(confidence);
  const published = index.releases[bestPos]!.release.publishedAt;
  const days = (enquiry.date.getTime() - published.getTime()) / 86_400_000;
  const cue = query.cue && cueFactor(query.cue, days) === 1 ? query.cue : null;
  const reason = buildReason(
    fam,
    shared,
    cue ? `${recencyDetail(enquiry.date, published)}, as "${cue.said}" says` : null,
  );
  if (confidence < threshold) {
    return {
      releaseId: null,
      familyId: null,
      confidence,
      reason: `no release (best guess: ${reason})`,
      evidence,
      candidates,
    };
  }
  const member = pickMember(index, fam);
  return {
    releaseId: index.releases[member]!.release.id,
    familyId: fam.familyId,
    confidence,
    reason,
    evidence,
    candidates,
  };
}

/** Debug features of the decision (used by the bench to tune and explain). */
export function features(index: ReleaseIndex, families: FamilyScore[], query: Query): Record<string, number> {
  const ranked = rankFamilies(families);
  const top = ranked[0];
  if (!top) return {};
  const second = ranked[1];
  const possible = index.bm25.maxScore(query.weights);
  return {
    total: pct(top.total),
    ev: pct(top.ev),
    sim: pct(top.sim),
    rec: pct(top.fam.recency),
    cov: pct(possible > 0 ? top.fam.bm25 / possible : 0),
    sup: pct(top.fam.support),
    sup2: pct(second?.fam.support ?? 0),
    onTitle: top.fam.onTitle ? 1 : 0,
    ratio: pct(second && second.total > 0 ? top.total / second.total : 10),
    ...specificity(index, query, top.fam),
  };
}

/**
 * How specific the agreement is: of the named things in the sender's own words (places, figures,
 * dates), how many the release also has (`entHit` of `entAll`), and how many matched terms are rare in
 * the catalogue (`rare`: in at most 3 releases) — topic words alone link nothing.
 */
export function specificity(
  index: ReleaseIndex,
  query: Query,
  fam: FamilyScore,
): { entHit: number; entAll: number; rare: number } {
  let entHit = 0;
  let entAll = 0;
  let rare = 0;
  for (const [term, w] of query.weights) {
    if (w < 0.5) continue; // quoted text and weak expansions do not count
    const has = fam.members.some((p) => index.bm25.contribution(term, 1, p) > 0);
    if (/^[gnd]:/.test(term)) {
      entAll++;
      if (has) entHit++;
    }
    if (has && !term.startsWith('y:') && index.bm25.dfOf(term) <= 3) rare++;
  }
  return { entHit, entAll, rare };
}

function specCache(
  index: ReleaseIndex,
  query: Query,
): (fam: FamilyScore) => { entHit: number; entAll: number; rare: number } {
  const cache = new Map<FamilyScore, { entHit: number; entAll: number; rare: number }>();
  return (fam) => {
    let s = cache.get(fam);
    if (!s) {
      s = specificity(index, query, fam);
      cache.set(fam, s);
    }
    return s;
  };
}

// The member to link: the language version the enquiry cites (link > title > quote), else the original.
function pickMember(index: ReleaseIndex, fam: FamilyScore): number {
  const e = fam.explicit;
  const cited = [e.url, e.title, e.quote].filter((x) => x !== undefined);
  const fresh = cited.find((x) => x.source !== 'quoted') ?? cited[0];
  if (fresh) return fresh.pos;
  return fam.members.find((p) => index.releases[p]!.release.id === fam.familyId) ?? fam.best;
}

function sharedTerms(index: ReleaseIndex, query: Query, pos: number): string[] {
  const contrib: [string, number][] = [];
  for (const [term, w] of query.weights) {
    const c = index.bm25.contribution(term, w, pos);
    if (c > 0) contrib.push([term, c]);
  }
  contrib.sort((a, b) => b[1] - a[1]);
  const shown: string[] = [];
  for (const [t] of contrib) {
    const d = query.display.get(t) ?? t;
    if (!shown.includes(d)) shown.push(d);
    if (shown.length === 6) break;
  }
  return shown;
}

function buildReason(fam: FamilyScore, shared: string[], dated: string | null): string {
  const e = fam.explicit;
  if (e.url) return e.url.source === 'quoted' ? 'quoted text links to the release' : 'links to the release';
  if (e.title)
    return e.title.source === 'quoted'
      ? 'quoted text gives the title'
      : e.title.full
        ? 'quotes the title'
        : 'quotes most of the title';
  if (e.quote)
    return e.quote.source === 'quoted'
      ? `forwards or quotes the release: "${e.quote.detail}…"`
      : `quotes the release: "${e.quote.detail}…"`;
  const similar = shared.length ? `similar text: ${shared.join(', ')}` : 'similar text';
  // When the sender said when it came out, the date is part of what decided.
  return dated ? `${similar}; ${dated}` : similar;
}

function recencyDetail(date: Date, published: Date): string {
  const days = (date.getTime() - published.getTime()) / 86_400_000;
  if (days < 0) return `${Math.round(-days * 24)} h before publication`;
  if (days < 2) return `${Math.round(days * 24)} h after publication`;
  return `${Math.round(days)} days after publication`;
}
