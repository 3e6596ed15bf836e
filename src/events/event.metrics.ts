import { Counter } from "prom-client";
import { metricsRegistry } from "../common/metrics";

/** Events by outcome (accepted, duplicate, rejected) and source (api, import). */
export const eventsIngested = new Counter({
  name: "kindred_events_ingested_total",
  help: "Events received by outcome and source",
  labelNames: ["status", "source"] as const,
  registers: [metricsRegistry],
});

/** Rejection reasons (one count per reason code per rejected event). */
export const eventsRejected = new Counter({
  name: "kindred_events_rejected_total",
  help: "Rejected events by reason code",
  labelNames: ["reason"] as const,
  registers: [metricsRegistry],
});
