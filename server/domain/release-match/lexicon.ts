// Cross-script word correspondences learned from the catalogue's own translation families: each
// original/translation pair is a small parallel text. Words that keep turning up together on the two
// sides of the same pairs (Dice over pairs) are taken as translations — "coalition" ↔ "تحالف",
// "sanctions" ↔ "عقوبات". Nothing is hand-written here; it grows with the catalogue.

export interface ParallelPair {
  /** Unique stems of the original (one script). */
  a: Set<string>;
  /** Unique stems of the translation (the other script). */
  b: Set<string>;
}

export type Lexicon = Map<string, { term: string; conf: number }[]>;

const MIN_DICE = 0.66;
const MAX_PAIRS = 400; // learning is quadratic per pair; the most recent pairs are plenty

/** Learns stem ↔ stem translations from parallel pairs (both directions in one map). */
export function learnLexicon(pairs: ParallelPair[]): Lexicon {
  const used = pairs.slice(-MAX_PAIRS);
  const lex: Lexicon = new Map();
  if (used.length < 2) return lex;
  const dfA = new Map<string, number>();
  const dfB = new Map<string, number>();
  for (const p of used) {
    for (const t of p.a) dfA.set(t, (dfA.get(t) ?? 0) + 1);
    for (const t of p.b) dfB.set(t, (dfB.get(t) ?? 0) + 1);
  }
  // Words in most pairs are function-like ("said", "uk"); words in one pair cannot be told apart.
  const maxDf = Math.max(2, Math.floor(used.length * 0.5));
  const keep = (df: number | undefined): boolean => df !== undefined && df >= 2 && df <= maxDf;
  // Terms become small integers so the pair counts are keyed by one number, not a new string per
  // pair: this loop is quadratic per pair and dominated index builds when it allocated.
  const idsA = new Map<string, number>();
  const idsB = new Map<string, number>();
  const termsA: string[] = [];
  const termsB: string[] = [];
  const idOf = (ids: Map<string, number>, terms: string[], t: string): number => {
    let id = ids.get(t);
    if (id === undefined) {
      id = terms.length;
      ids.set(t, id);
      terms.push(t);
    }
    return id;
  };
  const co = new Map<number, number>();
  const stride = 1 << 21;
  for (const p of used) {
    const as = [...p.a].filter((t) => keep(dfA.get(t))).map((t) => idOf(idsA, termsA, t));
    const bs = [...p.b].filter((t) => keep(dfB.get(t))).map((t) => idOf(idsB, termsB, t));
    for (const a of as) {
      const base = a * stride;
      for (const b of bs) co.set(base + b, (co.get(base + b) ?? 0) + 1);
    }
  }
  const add = (from: string, to: string, conf: number): void => {
    const list = lex.get(from) ?? [];
    list.push({ term: to, conf });
    lex.set(from, list);
  };
  for (const [key, n] of co) {
    if (n < 2) continue;
    const a = termsA[Math.floor(key / stride)]!;
    const b = termsB[key % stride]!;
    const dice = (2 * n) / (dfA.get(a)! + dfB.get(b)!);
    if (dice < MIN_DICE) continue;
    add(a, b, dice);
    add(b, a, dice);
  }
  // Keep only the best few per word: ties between words of one pair would otherwise flood queries.
  for (const [k, list] of lex) {
    list.sort((x, y) => y.conf - x.conf);
    const best = list[0]!.conf;
    lex.set(k, list.filter((x) => x.conf >= best - 1e-9).slice(0, 3));
  }
  return lex;
}
