// An in-memory BM25 inverted index. Postings are kept in insertion order, so documents added in
// position order give sorted postings that can be binary-searched for "does doc d contain term t".

const K1 = 1.2;
const B = 0.75;

export class Bm25Index {
  private readonly termIds = new Map<string, number>();
  private building: { docs: number[]; tfs: number[] }[] = [];
  private docs: Int32Array[] = [];
  private tfs: Float32Array[] = [];
  private idf: Float64Array = new Float64Array(0);
  private lengths: number[] = [];
  private docLen: Float64Array = new Float64Array(0);
  private avgLen = 1;
  private n = 0;

  /** Adds document `pos` (positions must be added in increasing order) with its terms, repeats counted. */
  add(pos: number, terms: string[]): void {
    const tf = new Map<number, number>();
    for (const t of terms) {
      let id = this.termIds.get(t);
      if (id === undefined) {
        id = this.building.length;
        this.termIds.set(t, id);
        this.building.push({ docs: [], tfs: [] });
      }
      tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    for (const [id, c] of tf) {
      const p = this.building[id]!;
      p.docs.push(pos);
      p.tfs.push(c);
    }
    this.lengths[pos] = terms.length;
    this.n = Math.max(this.n, pos + 1);
  }

  /** Freezes the postings into typed arrays and computes idf and length norms. */
  finish(): void {
    this.docs = this.building.map((p) => Int32Array.from(p.docs));
    this.tfs = this.building.map((p) => Float32Array.from(p.tfs));
    this.building = [];
    this.idf = Float64Array.from(this.docs, (d) =>
      Math.log(1 + (this.n - d.length + 0.5) / (d.length + 0.5)),
    );
    this.docLen = Float64Array.from({ length: this.n }, (_, i) => this.lengths[i] ?? 0);
    let total = 0;
    for (const l of this.docLen) total += l;
    this.avgLen = this.n ? Math.max(1, total / this.n) : 1;
  }

  /** BM25 score of every document for a weighted query (term → weight). */
  score(query: Map<string, number>): Float64Array {
    const out = new Float64Array(this.n);
    for (const [term, w] of query) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const idf = this.idf[id]! * w;
      // Terms in most documents (or barely weighted) move every score alike: skip their long postings.
      if (idf < 0.05) continue;
      const docs = this.docs[id]!;
      const tfs = this.tfs[id]!;
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i]!;
        const tf = tfs[i]!;
        out[d]! += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * this.docLen[d]!) / this.avgLen));
      }
    }
    return out;
  }

  /** The upper bound of a query's score: every term present and saturated (for coverage ratios). */
  maxScore(query: Map<string, number>): number {
    let s = 0;
    for (const [term, w] of query) {
      const id = this.termIds.get(term);
      if (id !== undefined) s += this.idf[id]! * w * (K1 + 1);
    }
    return s;
  }

  /** One term's contribution to document `pos` (0 when absent). */
  contribution(term: string, w: number, pos: number): number {
    const id = this.termIds.get(term);
    if (id === undefined) return 0;
    const docs = this.docs[id]!;
    let lo = 0;
    let hi = docs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const d = docs[mid]!;
      if (d === pos) {
        const tf = this.tfs[id]![mid]!;
        return (
          (this.idf[id]! * w * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * this.docLen[pos]!) / this.avgLen))
        );
      }
      if (d < pos) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** Number of documents containing a term. */
  dfOf(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.docs[id]!.length;
  }

  /** Inverse document frequency of a term (0 when unknown). */
  idfOf(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.idf[id]!;
  }
}
