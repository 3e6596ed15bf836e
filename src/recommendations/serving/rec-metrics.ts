import { Counter, Histogram } from "prom-client";
import { metricsRegistry } from "../../common/metrics";

/** ONNX runs by model kind; with `recommendationBatchSize` it shows how well concurrent requests are batched. */
export const recommenderRuns = new Counter({
  name: "kindred_recommender_onnx_runs_total",
  help: "ONNX scoring runs of recommender models, by kind",
  labelNames: ["kind"] as const,
  registers: [metricsRegistry],
});

export const recommendationBatchSize = new Histogram({
  name: "kindred_recommender_batch_size",
  help: "People scored per ONNX run",
  labelNames: ["kind"] as const,
  buckets: [1, 2, 4, 8, 16, 32, 64],
  registers: [metricsRegistry],
});

export const recommendationCache = new Counter({
  name: "kindred_recommendation_cache_total",
  help: "Recommendation answers from the per-profile cache (hit) or computed (miss)",
  labelNames: ["outcome"] as const,
  registers: [metricsRegistry],
});
