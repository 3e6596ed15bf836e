import { buildMatrix, DEFAULT_WEIGHTING, type InteractionMatrix, type InteractionRow, type WeightingParams } from "../algorithms/interactions";
import { popularity } from "../algorithms/popularity";
import type { ContentItem } from "../algorithms/tfidf";
import { evaluateLists, round, topLists } from "../evaluation/harness";
import { RecRuntime } from "../serving/rec-runtime";
import { buildAls, buildContent, buildEase, buildKnn, buildPopular, type BuiltModel } from "./build-models";

/** Which recommender a task trains. */
export type RecKind = "ALS" | "EASE" | "ITEM_KNN" | "BOUGHT_TOGETHER" | "CONTENT" | "POPULAR";

/** Everything a training run needs, plain data so it can cross into a worker thread. */
export interface TrainTask {
  kind: RecKind;
  rows: InteractionRow[];
  items: ContentItem[];
  params: Record<string, unknown>;
  weighting: WeightingParams;
  now: number;
  easeMaxItems: number;
  /** Hold out the last `holdoutDays` for an evaluation stored with the version (0 = none). */
  holdoutDays: number;
}

/** What comes back: the artifact, params used, counts and the holdout evaluation. */
export interface TrainResult {
  onnx: Uint8Array;
  params: Record<string, unknown>;
  dataCounts: Record<string, number>;
  metrics: Record<string, unknown>;
}

const num = (p: Record<string, unknown>, key: string): Partial<Record<string, number>> => (typeof p[key] === "number" ? { [key]: p[key] as number } : {});
const pick = (p: Record<string, unknown>, keys: string[]) => Object.assign({}, ...keys.map((k) => num(p, k)));

/** Builds one model of `task.kind` from rows (the whole task, or its training part). */
export async function buildKind(task: TrainTask, rows: InteractionRow[], onProgress: (share: number) => void): Promise<{ built: BuiltModel; matrix: InteractionMatrix }> {
  const p = task.params;
  if (task.kind === "CONTENT") {
    const matrix = buildMatrix(rows, task.now, task.weighting, task.items.map((i) => i.id));
    return { built: buildContent(task.items, pick(p, ["termsPerItem", "maxVocabulary"])), matrix };
  }
  const purchaseOnly = task.kind === "BOUGHT_TOGETHER" ? rows.filter((r) => (task.weighting.eventWeights[r.type] ?? 0) >= 5 || r.type === "purchase" || r.type === "order_completed") : rows;
  const matrix = buildMatrix(purchaseOnly, task.now, task.weighting);
  switch (task.kind) {
    case "ALS":
      return { built: buildAls(matrix, pick(p, ["factors", "iterations", "regularization", "alpha", "cgSteps", "seed"]), (done, total) => onProgress(done / total)), matrix };
    case "EASE":
      return { built: await buildEase(matrix, { ...pick(p, ["lambda"]), ...(typeof p.binary === "boolean" ? { binary: p.binary } : {}) }, task.easeMaxItems), matrix };
    case "ITEM_KNN":
    case "BOUGHT_TOGETHER": {
      const built = buildKnn(matrix, pick(p, ["neighbors", "alpha", "shrink", "popularityPenalty"]), task.kind);
      return { built, matrix };
    }
    case "POPULAR": {
      const halfLife = typeof p.halfLifeDays === "number" ? p.halfLifeDays : 14;
      const itemIds = [...new Set([...matrix.itemIds, ...task.items.map((i) => i.id)])];
      return { built: buildPopular(itemIds, popularity(rows, itemIds, task.now, { ...task.weighting, halfLifeDays: halfLife }), { halfLifeDays: halfLife }), matrix };
    }
  }
}

/** Trains with a time holdout first (stored as the version's evaluation), then on everything. */
export async function runTrainTask(task: TrainTask, onProgress: (share: number, message: string) => void = () => undefined): Promise<TrainResult> {
  const metrics: Record<string, unknown> = {};
  if (task.holdoutDays > 0) {
    const cutoff = task.now - task.holdoutDays * 86_400_000;
    const before = task.rows.filter((r) => r.at < cutoff);
    const after = task.rows.filter((r) => r.at >= cutoff);
    if (before.length && after.length) {
      onProgress(0.05, "holdout training");
      const { built, matrix } = await buildKind({ ...task, now: cutoff }, before, (s) => onProgress(0.05 + 0.4 * s, "holdout training"));
      const popular = buildPopular(matrix.itemIds, popularity(before, matrix.itemIds, cutoff, { ...task.weighting, halfLifeDays: 14 }), {});
      metrics.holdout = { cutoff: new Date(cutoff).toISOString(), ...(await evaluateHoldout(built, popular, matrix, after, 10)) };
    }
  }
  onProgress(0.5, "training");
  const { built, matrix } = await buildKind(task, task.rows, (s) => onProgress(0.5 + 0.45 * s, "training"));
  const dataCounts = { events: task.rows.length, users: matrix.userIds.length, items: task.kind === "CONTENT" || task.kind === "POPULAR" ? Math.max(matrix.itemIds.length, task.items.length) : matrix.itemIds.length, interactions: matrix.indices.length };
  return { onnx: built.onnx, params: { ...built.params, weighting: task.weighting, holdoutDays: task.holdoutDays }, dataCounts, metrics };
}

/** Precision/recall/nDCG/MAP/hit rate@k and coverage on held-out items, beside the popularity baseline. */
async function evaluateHoldout(built: BuiltModel, popular: BuiltModel, matrix: InteractionMatrix, after: InteractionRow[], k: number): Promise<Record<string, unknown>> {
  const users = new Map(matrix.userIds.map((u, i) => [u, i]));
  const test = new Map<number, Set<number>>();
  const items = new Map<string, number>();
  const rt = await RecRuntime.load(built.onnx);
  rt.itemIds.forEach((id, i) => items.set(id, i));
  for (const r of after) {
    const u = users.get(r.userId);
    const i = items.get(r.itemId);
    if (u === undefined || i === undefined) continue;
    const set = test.get(u) ?? new Set<number>();
    set.add(i);
    test.set(u, set);
  }
  if (!test.size || rt.itemIds.length !== matrix.itemIds.length) {
    await rt.session.release();
    return { users: test.size };
  }
  const ids = [...test.keys()];
  const score = async (runtime: RecRuntime) => {
    const lists = await topLists(runtime, matrix, ids, k, true);
    const r = evaluateLists(new Map(ids.map((u, i) => [u, lists[i].indices])), test, k, runtime.size);
    return round({ precision_at_10: r.precision, recall_at_10: r.recall, ndcg_at_10: r.ndcg, map: r.ap, hit_rate_at_10: r.hit, coverage: r.coverage });
  };
  const model = await score(rt);
  await rt.session.release();
  const pop = await RecRuntime.load(popular.onnx);
  const baseline = await score(pop);
  await pop.session.release();
  return { users: ids.length, model, popular_baseline: baseline };
}

export { DEFAULT_WEIGHTING };
