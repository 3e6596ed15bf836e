import { compileCondition } from "./compile-condition";
import type { Condition, TraitCatalog } from "./condition.types";
import { membershipStatement } from "./membership-sql";
import { SqlParams } from "./sql-params";

const catalog: TraitCatalog = { traits: new Map([["plan", "string"], ["age", "number"]]), computed: new Map([["churn_risk", "number"]]) };
const compile = (condition: Condition, profilesParam?: string) => {
  const params = new SqlParams(["ws", new Date(0)]);
  const sql = compileCondition(condition, { params, catalog, segments: new Map(), profilesParam });
  return { sql, params: params.values.slice(2) };
};

describe("compileCondition", () => {
  it("should bind every user value and trait name as a parameter when compiling", () => {
    const evil = "gold' OR '1'='1";
    const { sql, params } = compile({ and: [{ trait: { name: "plan", op: "EQ" as never, value: evil } }, { event: { type: "x'); DROP TABLE events; --", where: [{ property: "a') OR true --", op: "EQ" as never, value: evil }] } }] });
    expect(sql).not.toContain(evil);
    expect(sql).not.toContain("DROP");
    expect(sql).not.toContain("OR true");
    expect(params).toEqual(["plan", evil, "x'); DROP TABLE events; --", "a') OR true --", evil]);
    expect(sql).toMatch(/p\.traits -> \$3::text/);
  });

  it("should read computed traits from the computed column when the source is COMPUTED", () => {
    expect(compile({ trait: { name: "churn_risk", source: "COMPUTED" as never, op: "GT" as never, value: 0.5 } }).sql).toContain("p.computed -> $3::text");
  });

  it("should compile at-most counts to an anti-join and exact counts to HAVING", () => {
    expect(compile({ event: { type: "purchase", didNot: true } }).sql).toMatch(/^\(NOT p\.id IN \(SELECT e\.profile_id FROM events e WHERE .*\)\)$/);
    expect(compile({ event: { type: "purchase", count: "AT_MOST" as never, times: 2 } }).sql).toContain("HAVING count(*) >= $4::int");
    expect(compile({ event: { type: "purchase", count: "AT_MOST" as never, times: 2 } }).params).toEqual(["purchase", 3]);
    expect(compile({ event: { type: "purchase", count: "EXACTLY" as never, times: 2 } }).sql).toContain("HAVING count(*) = $4::int");
    expect(compile({ event: { type: "purchase", count: "AT_LEAST" as never, times: 0 } }).sql).toBe("true");
  });

  it("should narrow event subqueries to the evaluated profiles when incremental", () => {
    expect(compile({ event: { type: "purchase" } }, "$9::uuid[]").sql).toContain("e.profile_id = ANY($9::uuid[])");
  });

  it("should compile a trait whose definition disappeared to false", () => {
    expect(compile({ trait: { name: "gone", op: "EXISTS" as never } }).sql).toBe("false");
  });

  it("should build one membership statement with workspace, now and segment bound", () => {
    const statement = membershipStatement({ workspaceId: "ws", segmentId: "seg", condition: { trait: { name: "age", op: "GT" as never, value: 3 } }, catalog, segments: new Map(), now: new Date(0) });
    expect(statement.sql.match(/;/g)).toBeNull();
    expect(statement.sql).toContain("INSERT INTO segment_memberships");
    expect(statement.sql).toContain("UPDATE segment_memberships");
    expect(statement.params).toEqual(["ws", new Date(0), "age", 3, "seg", null]);
  });
});
