import type { ProblemCollector } from "../../common/errors";
import type { TrainerDefinition } from "../../models/trainers";
import { DEFAULT_EVENT_WEIGHTS, type WeightingParams } from "../algorithms/interactions";
import { loadContentItems, loadInteractionRows } from "./load-training-data";
import { runInWorker } from "./run-in-worker";
import { TooManyItemsError } from "./build-models";
import type { RecKind } from "./train-tasks";
import { UserInputError } from "../../common/errors";

/** Numeric params each kind accepts, with their allowed ranges. */
const NUMERIC: Record<RecKind, Record<string, [number, number]>> = {
  ALS: { factors: [2, 512], iterations: [1, 100], regularization: [0, 10_000], alpha: [0, 10_000], cgSteps: [1, 20], seed: [0, 2 ** 31] },
  EASE: { lambda: [0.001, 1e7] },
  ITEM_KNN: { neighbors: [1, 1000], alpha: [0, 1], shrink: [0, 1e6], popularityPenalty: [0, 2] },
  BOUGHT_TOGETHER: { neighbors: [1, 1000], alpha: [0, 1], shrink: [0, 1e6], popularityPenalty: [0, 2] },
  CONTENT: { termsPerItem: [1, 256], maxVocabulary: [10, 1_000_000] },
  POPULAR: { halfLifeDays: [0, 3650] },
};
const COMMON: Record<string, [number, number]> = { windowDays: [1, 3650], halfLifeDays: [0, 3650], holdoutDays: [0, 365], defaultWeight: [0, 100] };

const DESCRIPTIONS: Record<RecKind, string> = {
  ALS: "implicit ALS (Hu–Koren–Volinsky) with per-event-type weights and time decay; fold-in serving",
  EASE: "EASE closed-form item–item (Steck 2019); refused above KINDRED_EASE_MAX_ITEMS items",
  ITEM_KNN: "item–item co-occurrence neighbours (viewed also viewed)",
  BOUGHT_TOGETHER: "item–item co-occurrence over purchases (frequently bought together)",
  CONTENT: "TF-IDF over title, description, category and brand; cosine to the user's decayed item mix",
  POPULAR: "time-decayed popularity (overall and per category through filters)",
};

function validate(kind: RecKind, params: Record<string, unknown>, problems: ProblemCollector, path: string): void {
  const ranges = { ...COMMON, ...NUMERIC[kind] };
  for (const [key, value] of Object.entries(params)) {
    if (key === "eventWeights") {
      if (!value || typeof value !== "object" || Array.isArray(value)) problems.add(`${path}.eventWeights`, "must be an object of event type → weight");
      else for (const [t, w] of Object.entries(value)) if (typeof w !== "number" || w < 0 || w > 1000) problems.add(`${path}.eventWeights.${t}`, "must be a number from 0 to 1000");
      continue;
    }
    if (key === "binary" && kind === "EASE") {
      if (typeof value !== "boolean") problems.add(`${path}.binary`, "must be true or false");
      continue;
    }
    const range = ranges[key];
    if (!range) problems.add(`${path}.${key}`, `is not a parameter of ${kind}; allowed: ${[...Object.keys(ranges), "eventWeights"].join(", ")}`);
    else if (typeof value !== "number" || !Number.isFinite(value) || value < range[0] || value > range[1]) problems.add(`${path}.${key}`, `must be a number from ${range[0]} to ${range[1]}`);
  }
}

/** The trainers of every recommender kind (loaded from events and items, trained in a worker thread). */
export function recommenderTrainers(options: { easeMaxItems: number }): TrainerDefinition[] {
  return (Object.keys(NUMERIC) as RecKind[]).map((kind) => ({
    kind,
    description: DESCRIPTIONS[kind],
    validateParams: (params, problems, path) => validate(kind, params, problems, path),
    async train(ctx) {
      const p = ctx.params;
      const windowDays = typeof p.windowDays === "number" ? p.windowDays : 365;
      const from = new Date(ctx.now.getTime() - windowDays * 86_400_000);
      const rows = await loadInteractionRows(ctx.dataSource, ctx.workspaceId, from, ctx.now);
      const items = kind === "CONTENT" || kind === "POPULAR" ? await loadContentItems(ctx.dataSource, ctx.workspaceId) : [];
      if (kind === "CONTENT" ? !items.length : !rows.length) throw UserInputError.single("input.kind", `${kind} needs ${kind === "CONTENT" ? "catalog items" : "events with item ids"} in the last ${windowDays} days; there are none`);
      const weighting: WeightingParams = {
        eventWeights: { ...DEFAULT_EVENT_WEIGHTS, ...((p.eventWeights as Record<string, number>) ?? {}) },
        defaultWeight: typeof p.defaultWeight === "number" ? p.defaultWeight : 1,
        halfLifeDays: typeof p.halfLifeDays === "number" && kind !== "POPULAR" ? p.halfLifeDays : 90,
      };
      await ctx.progress(0.05, `loaded ${rows.length} interactions`);
      try {
        const result = await runInWorker(
          { kind, rows, items, params: p, weighting, now: ctx.now.getTime(), easeMaxItems: options.easeMaxItems, holdoutDays: typeof p.holdoutDays === "number" ? p.holdoutDays : 7 },
          (share, message) => void ctx.progress(0.05 + share * 0.85, message),
          ctx.signal,
        );
        return { onnx: result.onnx, params: result.params, dataCounts: result.dataCounts, metrics: result.metrics, trainingWindow: { start: from, end: ctx.now } };
      } catch (error) {
        if (error instanceof TooManyItemsError) throw UserInputError.single("input.kind", error.message);
        throw error;
      }
    },
  }));
}
