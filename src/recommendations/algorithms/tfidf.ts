/** What the content model reads from a catalog item. */
export interface ContentItem {
  id: string;
  title: string;
  description?: string | null;
  category?: string | null;
  categoryPath?: string[];
  brand?: string | null;
  tags?: string[];
}

export interface TfidfParams {
  /** Terms kept per item (its highest TF-IDF weights). */
  termsPerItem: number;
  /** Vocabulary size cap (most frequent terms). */
  maxVocabulary: number;
}

export const DEFAULT_TFIDF: TfidfParams = { termsPerItem: 32, maxVocabulary: 50_000 };

/** Item vectors as a fixed-width sparse table: term index and weight per slot (L2-normalized). */
export interface TermTable {
  vocabulary: string[];
  termsPerItem: number;
  termIndices: Int32Array;
  termWeights: Float32Array;
}

const STOPWORDS = new Set("a an and are as at be by for from has in is it its of on or the to with this that set".split(" "));

export function tokenize(text: string | null | undefined): string[] {
  if (!text) return [];
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((t) => t.length > 1 && !STOPWORDS.has(t));
}

/** Weighted terms of one item: title ×2, description ×1, category and brand as words and as whole tokens. */
export function itemTerms(item: ContentItem): Map<string, number> {
  const tf = new Map<string, number>();
  const add = (term: string, w: number) => tf.set(term, (tf.get(term) ?? 0) + w);
  for (const t of tokenize(item.title)) add(t, 2);
  for (const t of tokenize(item.description)) add(t, 1);
  for (const c of [...(item.categoryPath ?? []), ...(item.category ? [item.category] : [])]) {
    add(`c:${c.toLowerCase()}`, 2);
    for (const t of tokenize(c)) add(t, 1);
  }
  if (item.brand) {
    add(`b:${item.brand.toLowerCase()}`, 2);
    for (const t of tokenize(item.brand)) add(t, 1);
  }
  for (const tag of item.tags ?? []) add(`t:${tag.toLowerCase()}`, 1);
  return tf;
}

/** TF-IDF over the catalog: sublinear tf, smoothed idf, L2-normalized, top terms per item. */
export function buildTfidf(items: ContentItem[], params: TfidfParams): TermTable {
  const termsOf = items.map(itemTerms);
  const df = new Map<string, number>();
  for (const tf of termsOf) for (const term of tf.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const vocabulary = [...df.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, params.maxVocabulary).map(([t]) => t);
  const index = new Map(vocabulary.map((t, i) => [t, i]));
  const m = params.termsPerItem;
  const termIndices = new Int32Array(items.length * m);
  const termWeights = new Float32Array(items.length * m);
  const n = items.length;
  termsOf.forEach((tf, i) => {
    const weighted: [number, number][] = [];
    for (const [term, count] of tf) {
      const at = index.get(term);
      if (at === undefined) continue;
      weighted.push([at, (1 + Math.log(count)) * (Math.log((1 + n) / (1 + df.get(term)!)) + 1)]);
    }
    weighted.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const kept = weighted.slice(0, m);
    const norm = Math.sqrt(kept.reduce((s, [, w]) => s + w * w, 0)) || 1;
    kept.forEach(([t, w], slot) => {
      termIndices[i * m + slot] = t;
      termWeights[i * m + slot] = w / norm;
    });
  });
  return { vocabulary, termsPerItem: m, termIndices, termWeights };
}

/** A user's term vector: Σ weight · item vector over the items they touched, L2-normalized. */
export function userTermVector(table: TermTable, items: ArrayLike<number>, weights: ArrayLike<number>): Float32Array {
  const v = new Float32Array(table.vocabulary.length);
  const m = table.termsPerItem;
  for (let k = 0; k < items.length; k++) {
    for (let s = 0; s < m; s++) v[table.termIndices[items[k] * m + s]] += weights[k] * table.termWeights[items[k] * m + s];
  }
  let norm = 0;
  for (let t = 0; t < v.length; t++) norm += v[t] * v[t];
  norm = Math.sqrt(norm);
  if (norm > 0) for (let t = 0; t < v.length; t++) v[t] /= norm;
  return v;
}

/** The same user vector, sparse (term → weight): cheap when only a few items are scored. */
export function userTermMap(table: TermTable, items: ArrayLike<number>, weights: ArrayLike<number>): Map<number, number> {
  const v = new Map<number, number>();
  const m = table.termsPerItem;
  for (let k = 0; k < items.length; k++) {
    for (let s = 0; s < m; s++) {
      const w = table.termWeights[items[k] * m + s];
      if (w === 0) continue;
      const t = table.termIndices[items[k] * m + s];
      v.set(t, (v.get(t) ?? 0) + weights[k] * w);
    }
  }
  let norm = 0;
  for (const w of v.values()) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [t, w] of v) v.set(t, w / norm);
  return v;
}
