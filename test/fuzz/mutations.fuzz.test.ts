import fc from "fast-check";
import { getNamedType, isCompositeType, type GraphQLField } from "graphql";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { valueFor } from "./arbitraries";

// Codes a client may see; anything else (INTERNAL_SERVER_ERROR above all) is a finding.
const CLEAR_CODES = new Set(["BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED", "NOT_FOUND", "CONFLICT", "FORBIDDEN", "PAYLOAD_TOO_LARGE", "RATE_LIMITED", "BAD_REQUEST"]);
const RUNS_PER_MUTATION = Number(process.env.FUZZ_RUNS ?? 4);
const REQUEST_TIMEOUT_MS = 10_000;

type Outcome = { status: number; codes: string[]; ms: number };

/** A document calling one root field with every argument passed as a variable. */
function documentFor(operation: "mutation" | "query", field: GraphQLField<unknown, unknown>): string {
  const vars = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(", ");
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(", ");
  const selection = isCompositeType(getNamedType(field.type)) ? " { __typename }" : "";
  return `${operation} Fuzz${vars ? `(${vars})` : ""} { ${field.name}${args ? `(${args})` : ""}${selection} }`;
}

describe("hostile input to every mutation", () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp({ KINDRED_RATE_LIMIT_PER_SECOND: "0" });
    ws = await t.createWorkspace("fuzz");
  });
  afterAll(() => t.stop());

  async function send(query: string, variables: Record<string, unknown>): Promise<Outcome> {
    const started = Date.now();
    const res = await fetch(t.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ws.keys.admin}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    return { status: res.status, codes: (body.errors ?? []).map((e) => e.extensions?.code ?? "(no code)"), ms: Date.now() - started };
  }

  it("should answer every generated input with data or a clear error code, never a 500 or a hang", async () => {
    const mutations = Object.values(t.app.schema.getMutationType()!.getFields());
    expect(mutations.length).toBeGreaterThan(10);
    const findings: string[] = [];
    let requests = 0;
    const seen = new Map<string, number>();
    for (const field of mutations) {
      const query = documentFor("mutation", field);
      const args = fc.record(Object.fromEntries(field.args.map((a) => [a.name, valueFor(a.type)])));
      const result = await fc.check(
        fc.asyncProperty(args, async (variables) => {
          requests++;
          const out = await send(query, variables as Record<string, unknown>);
          for (const code of out.codes.length ? out.codes : ["(data)"]) seen.set(code, (seen.get(code) ?? 0) + 1);
          const unclear = out.codes.filter((c) => !CLEAR_CODES.has(c));
          if (out.status >= 500 || unclear.length) throw new Error(`${field.name}: HTTP ${out.status} ${unclear.join(",")}`);
        }),
        { numRuns: RUNS_PER_MUTATION, endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? 20261123) },
      );
      if (result.failed) findings.push(`${field.name}: ${String(result.errorInstance ?? "").slice(0, 200)} with ${JSON.stringify(result.counterexample)?.slice(0, 300)}`);
    }
    // Visible in CI logs: how many requests and which codes the fuzzing produced.
    console.log(`fuzzed ${mutations.length} mutations with ${requests} requests; codes: ${JSON.stringify(Object.fromEntries(seen))}`);
    expect(findings).toEqual([]);
    // The server is still healthy afterwards.
    expect((await fetch(`${t.baseUrl}/readyz`)).status).toBe(200);
  });
});
