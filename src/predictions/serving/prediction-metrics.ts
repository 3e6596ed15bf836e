import { Counter, Histogram } from "prom-client";
import { metricsRegistry } from "../../common/metrics";

/** Answers of the predictions field from the per-profile cache (hit) or computed (miss). */
export const predictionCache = new Counter({
  name: "kindred_prediction_cache_total",
  help: "Prediction answers from the per-profile cache (hit) or computed (miss)",
  labelNames: ["outcome"] as const,
  registers: [metricsRegistry],
});

/** Profiles per computed batch: how well concurrent misses share one feature query and one ONNX run per model. */
export const predictionBatchSize = new Histogram({
  name: "kindred_prediction_batch_size",
  help: "Profiles per prediction batch (one consent, one feature and one send-time query; one ONNX run per model)",
  buckets: [1, 2, 4, 8, 16, 32, 64, 256, 2000],
  registers: [metricsRegistry],
});
