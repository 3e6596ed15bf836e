import { Counter, Histogram } from "prom-client";
import { metricsRegistry } from "../common/metrics";

/** New stored assignments (first render of a profile in an experiment). */
export const assignmentsCreated = new Counter({ name: "kindred_experiment_assignments_total", help: "Assignments stored at first render", registers: [metricsRegistry] });

/** Exposures recorded (a retried send counts once). */
export const exposuresRecorded = new Counter({ name: "kindred_experiment_exposures_total", help: "Campaign exposures recorded", registers: [metricsRegistry] });

/** Time of a report's aggregate query, by kind. */
export const reportDuration = new Histogram({
  name: "kindred_experiment_report_duration_seconds",
  help: "Aggregate query time of experimentResults / campaignReport",
  labelNames: ["kind"] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [metricsRegistry],
});
