import { Counter, Histogram } from "prom-client";
import { metricsRegistry } from "../common/metrics";

/** Time the segments profile hook adds to an ingestion/identify request. */
export const segmentHookDuration = new Histogram({
  name: "kindred_segment_hook_seconds",
  help: "Time spent re-evaluating segments for changed profiles inside the request",
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [metricsRegistry],
});

/** Profiles entering and leaving segments on the incremental path. */
export const segmentMembershipChanges = new Counter({
  name: "kindred_segment_membership_changes_total",
  help: "Incremental membership changes",
  labelNames: ["change"],
  registers: [metricsRegistry],
});
