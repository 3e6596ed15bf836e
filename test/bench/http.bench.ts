import type { BenchSuite } from "./run";
import { load, startBenchServer, TRIVIAL_QUERY } from "./support/bench-server";

/** The floor: a trivial authenticated GraphQL query at 32 connections, next to plain /healthz. */
export const suite: BenchSuite = {
  name: "http",
  description: "requests/s and latency of `{ viewer { role } }` at 32 connections",
  async run({ quick, log }) {
    const seconds = quick ? 5 : 10;
    const server = await startBenchServer();
    try {
      log("warming up");
      await load({ url: server.url, key: server.adminKey, body: TRIVIAL_QUERY, seconds: 2 });
      log(`GraphQL trivial query, 32 connections, ${seconds}s`);
      const graphql = await load({ url: server.url, key: server.adminKey, body: TRIVIAL_QUERY, seconds });
      log(`GET /healthz (no GraphQL), 32 connections, ${seconds}s`);
      const health = await load({ url: server.url.replace("/graphql", "/healthz"), key: server.adminKey, method: "GET", seconds });
      return {
        rps: graphql.rps,
        p50_ms: graphql.p50_ms,
        p99_ms: graphql.p99_ms,
        errors: graphql.errors + graphql.non2xx,
        requests: graphql.requests,
        healthz_rps: health.rps,
        ratio_to_healthz: Number((graphql.rps / health.rps).toFixed(3)),
        connections: 32,
        seconds,
      };
    } finally {
      await server.stop();
    }
  },
};
