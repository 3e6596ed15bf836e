import type { SegmentInfo } from "./condition.types";
import { conditionDependencies, isAffected } from "./dependencies";

const A = "00000000-0000-4000-8000-00000000000a";

describe("conditionDependencies", () => {
  it("should collect traits, event types, windows and inlined references when a rule uses them", () => {
    const segments = new Map<string, SegmentInfo>([[A, { id: A, kind: "RULE", archived: false, condition: { trait: { name: "score", source: "COMPUTED" as never, op: "EXISTS" as never } } }]]);
    const deps = conditionDependencies({ and: [{ trait: { name: "age", op: "EXISTS" as never } }, { event: { type: "cart", within: { hours: 24 } } }, { segment: { id: A } }, { consent: { purpose: "x", status: "GRANTED" as never } }] }, segments);
    expect(deps).toEqual({ traits: ["age"], computed: ["score"], eventTypes: ["cart"], consent: true, items: false, windows: [{ type: "cart", seconds: 86400 }], segments: [] });
  });

  it("should re-evaluate only segments a change can affect", () => {
    const deps = { traits: ["age"], computed: [], eventTypes: ["cart"], consent: false, items: false, windows: [], segments: [] };
    expect(isAffected(deps, { changed: ["events"], eventTypes: ["page_view"] })).toBe(false);
    expect(isAffected(deps, { changed: ["events"], eventTypes: ["cart"] })).toBe(true);
    expect(isAffected(deps, { changed: ["traits"], traitNames: ["city"] })).toBe(false);
    expect(isAffected(deps, { changed: ["traits"], traitNames: ["age"] })).toBe(true);
    expect(isAffected(deps, { changed: ["consent"] })).toBe(false);
    expect(isAffected(deps, { changed: ["merge"] })).toBe(true);
  });
});
