// An in-memory BM25 inverted index. Postings are packed into flat typed arrays (one run per term, in
// document order, so "does doc d contain term t" is a binary search), each with its length-normalised
// term weight computed once at build time: scoring is then one multiply-add per posting. The packed
// form is plain data, so an index built in a worker thread crosses to the main thread cheaply.

const K1 = 1.2;
const B = 0.75;

/** The index as plain data (typed arrays transferable), for postMessage. */
export interface Bm25Data {
  termIds: Map<string, number>;
  /** Postings of term t are docs[start[t] .. start[t + 1]). */
  start: Int32Array;
  docs: Int32Array;
  /** tf·(k1+1) / (tf + k1·(1 − b + b·len/avg)) per posting. */
  weights: Float32Array;
  idf: Float64Array;
  n: number;
}

export class Bm25Index {
  private termIds = new Map<string, number>();
  private building: { docs: number[]; tfs: number[] }[] = [];
  private lengths: number[] = [];
  private start: Bm25Data['start'] = new Int32Array(1);
  private docs: Bm25Data['docs'] = new Int32Array(0);
  private weights: Bm25Data['weights'] = new Float32Array(0);
  private idf: Bm25Data['idf'] = new Float64Array(0);
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

  /** Freezes the postings into packed arrays with their weights, and computes idf. */
  finish(): void {
    let total = 0;
    for (let i = 0; i < this.n; i++) total += this.lengths[i] ?? 0;
    const avgLen = this.n ? Math.max(1, total / this.n) : 1;
    const terms = this.building.length;
    this.start = new Int32Array(terms + 1);
    let postings = 0;
    for (let t = 0; t < terms; t++) {
      this.start[t] = postings;
      postings += this.building[t]!.docs.length;
    }
    this.start[terms] = postings;
    this.docs = new Int32Array(postings);
    this.weights = new Float32Array(postings);
    this.idf = new Float64Array(terms);
    for (let t = 0; t < terms; t++) {
      const p = this.building[t]!;
      const at = this.start[t]!;
      for (let i = 0; i < p.docs.length; i++) {
        const d = p.docs[i]!;
        const tf = p.tfs[i]!;
        this.docs[at + i] = d;
        this.weights[at + i] = (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * (this.lengths[d] ?? 0)) / avgLen));
      }
      this.idf[t] = Math.log(1 + (this.n - p.docs.length + 0.5) / (p.docs.length + 0.5));
    }
    this.building = [];
    this.lengths = [];
  }

  /** The frozen index as plain data. */
  toData(): Bm25Data {
    return {
      termIds: this.termIds,
      start: this.start,
      docs: this.docs,
      weights: this.weights,
      idf: this.idf,
      n: this.n,
    };
  }

  /** An index from toData's output (after a trip through postMessage, say). */
  static fromData(data: Bm25Data): Bm25Index {
    const index = new Bm25Index();
    index.termIds = data.termIds;
    index.start = data.start;
    index.docs = data.docs;
    index.weights = data.weights;
    index.idf = data.idf;
    index.n = data.n;
    return index;
  }

  /** Number of documents. */
  get size(): number {
    return this.n;
  }

  /** BM25 score of every document for a weighted query (term → weight). */
  score(query: Map<string, number>): Float64Array {
    const out = new Float64Array(this.n);
    const { docs, weights } = this;
    for (const [term, w] of query) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const idf = this.idf[id]! * w;
      // Terms in most documents (or barely weighted) move every score alike: skip their long postings.
      if (idf < 0.05) continue;
      const end = this.start[id + 1]!;
      for (let i = this.start[id]!; i < end; i++) out[docs[i]!]! += idf * weights[i]!;
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
    return id === undefined ? 0 : this.contributionOf(id, w, pos);
  }

  /** A query's terms as ids (unknown terms dropped), to score many documents without string lookups. */
  resolve(query: Map<string, number>): { ids: Int32Array; weights: Float64Array } {
    const ids: number[] = [];
    const weights: number[] = [];
    for (const [term, w] of query) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      ids.push(id);
      weights.push(w);
    }
    return { ids: Int32Array.from(ids), weights: Float64Array.from(weights) };
  }

  /** BM25 score of one document for a resolved query. */
  scoreOne(query: { ids: Int32Array; weights: Float64Array }, pos: number): number {
    let s = 0;
    for (let i = 0; i < query.ids.length; i++)
      s += this.contributionOf(query.ids[i]!, query.weights[i]!, pos);
    return s;
  }

  private contributionOf(id: number, w: number, pos: number): number {
    const docs = this.docs;
    let lo = this.start[id]!;
    let hi = this.start[id + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const d = docs[mid]!;
      if (d === pos) return this.idf[id]! * w * this.weights[mid]!;
      if (d < pos) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** Number of documents containing a term. */
  dfOf(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.start[id + 1]! - this.start[id]!;
  }

  /** Inverse document frequency of a term (0 when unknown). */
  idfOf(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.idf[id]!;
  }
}
