import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The process's Prometheus registry; modules add their own metrics to it. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: "kindred_" });

export const graphqlRequests = new Counter({
  name: "kindred_graphql_requests_total",
  help: "GraphQL operations by operation name, type and outcome",
  labelNames: ["operation", "type", "outcome"] as const,
  registers: [metricsRegistry],
});

export const graphqlDuration = new Histogram({
  name: "kindred_graphql_request_duration_seconds",
  help: "GraphQL operation duration by operation name and outcome",
  labelNames: ["operation", "outcome"] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  registers: [metricsRegistry],
});

export const httpRequests = new Counter({
  name: "kindred_http_requests_total",
  help: "HTTP requests by route and status code",
  labelNames: ["route", "status"] as const,
  registers: [metricsRegistry],
});

/** Pool gauges; their values are read from the pool at scrape time. */
export function registerPoolMetrics(read: () => { total: number; idle: number; waiting: number }): void {
  const gauge = (name: string, help: string, pick: (s: ReturnType<typeof read>) => number) =>
    new Gauge({
      name,
      help,
      registers: [metricsRegistry],
      collect() {
        this.set(pick(read()));
      },
    });
  metricsRegistry.removeSingleMetric("kindred_db_pool_connections");
  metricsRegistry.removeSingleMetric("kindred_db_pool_idle");
  metricsRegistry.removeSingleMetric("kindred_db_pool_waiting");
  gauge("kindred_db_pool_connections", "Open PostgreSQL connections in the pool", (s) => s.total);
  gauge("kindred_db_pool_idle", "Idle PostgreSQL connections in the pool", (s) => s.idle);
  gauge("kindred_db_pool_waiting", "Queries waiting for a pool connection", (s) => s.waiting);
}

const knownOperations = new Set<string>();
const MAX_OPERATION_LABELS = 500;

/** Bounded operation-name label: client-chosen names cannot explode metric cardinality. */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return "anonymous";
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return "invalid";
  if (knownOperations.has(name)) return name;
  if (knownOperations.size >= MAX_OPERATION_LABELS) return "other";
  knownOperations.add(name);
  return name;
}
