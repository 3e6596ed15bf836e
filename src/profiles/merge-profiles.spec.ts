import { groupIdentifiers, mergeTraits, pickSurvivor } from "./merge-profiles";

const p = (id: string, known: boolean, created: number, updated: number, traits: Record<string, unknown>) => ({ id, known, createdAt: new Date(created), updatedAt: new Date(updated), traits });

describe("merging profiles", () => {
  it("should pick a known profile over an older anonymous one", () => {
    expect(pickSurvivor([p("anon", false, 1, 1, {}), p("known", true, 5, 5, {})]).id).toBe("known");
    expect(pickSurvivor([p("k2", true, 9, 9, {}), p("k1", true, 3, 3, {})]).id).toBe("k1");
  });

  it("should let known beat anonymous and newer beat older, never overwriting with null", () => {
    const merged = mergeTraits([p("k-old", true, 1, 1, { a: 1, b: 1 }), p("k-new", true, 2, 5, { a: 2, b: null }), p("anon", false, 3, 9, { a: 3, c: 3 })]);
    expect(merged).toEqual({ a: 2, b: 1, c: 3 });
  });

  it("should group identifiers that appear together, transitively", () => {
    const groups = groupIdentifiers([["a", "b"], ["c"], ["b", "d"], ["d"], ["c", "e"]]).map((g) => g.sort().join(""));
    expect(groups.sort()).toEqual(["abd", "ce"]);
  });
});
