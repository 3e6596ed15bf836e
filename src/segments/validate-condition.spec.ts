import { ComparisonOp, type SegmentInfo, type TraitCatalog } from "./condition.types";
import { validateCondition, type ValidationContext } from "./validate-condition";

const catalog: TraitCatalog = {
  traits: new Map([
    ["age", "number"],
    ["plan", "string"],
    ["signup", "date"],
    ["tags", "list"],
    ["vip", "boolean"],
  ]),
  computed: new Map([["purchase_propensity", "number"]]),
};
const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const rule = (id: string, condition: SegmentInfo["condition"]): [string, SegmentInfo] => [id, { id, kind: "RULE", archived: false, condition }];
const ctx = (extra: Partial<ValidationContext> = {}): ValidationContext => ({ catalog, segments: new Map(), ...extra });
const paths = (condition: unknown, c = ctx()) => validateCondition(condition, "input.condition", c).map((p) => p.path);

describe("validateCondition", () => {
  it("should accept a valid tree of every condition kind when operands fit their types", () => {
    const condition = {
      and: [
        { trait: { name: "age", op: "BETWEEN", values: [18, 65] } },
        { or: [{ trait: { name: "plan", op: "IN", values: ["gold"] } }, { not: { trait: { name: "vip", op: "EQ", value: true } } }] },
        { trait: { name: "purchase_propensity", source: "COMPUTED", op: "GT", value: 0.7 } },
        { event: { type: "add_to_cart", within: { hours: 24 }, where: [{ property: "total", op: "GT", value: 10 }], items: [{ field: "CATEGORY", op: "EQ", value: "Electronics" }] } },
        { event: { type: "purchase", didNot: true, within: { days: 30 } } },
        { consent: { purpose: "email_marketing", status: "GRANTED" } },
      ],
    };
    expect(validateCondition(condition, "input.condition", ctx())).toEqual([]);
  });

  it("should report every problem with its path when several nodes are wrong", () => {
    const problems = paths({
      and: [
        { trait: { name: "shoe_size", op: "GT", value: 3 } },
        { trait: { name: "plan", op: "GT", value: "a" } },
        { trait: { name: "age", op: "GT", value: "thirty" } },
        { trait: { name: "age", op: "BETWEEN", values: [5, 1] } },
        { trait: { name: "tags", op: "CONTAINS_ANY", values: ["x", 3] } },
        { event: { type: "visit", within: { days: 400 } } },
        { event: { type: "", times: -1 } },
        { trait: { name: "age", op: "EQ" } },
        {},
        { trait: { name: "age", op: "EXISTS" }, event: { type: "x" } },
      ],
    });
    expect(problems).toEqual([
      "input.condition.and[0].trait.name",
      "input.condition.and[1].trait.op",
      "input.condition.and[2].trait.value",
      "input.condition.and[3].trait.values",
      "input.condition.and[4].trait.values[1]",
      "input.condition.and[5].event.within",
      "input.condition.and[6].event.type",
      "input.condition.and[6].event.times",
      "input.condition.and[7].trait.value",
      "input.condition.and[8]",
      "input.condition.and[9]",
    ]);
  });

  it("should say the window is too large when it exceeds 365 days", () => {
    const [problem] = validateCondition({ event: { type: "x", within: { days: 366 } } }, "c", ctx());
    expect(problem).toEqual({ path: "c.event.within", message: expect.stringContaining("window too large") });
  });

  it("should refuse a cyclic reference when a referenced segment leads back to the one being saved", () => {
    const segments = new Map([rule(A, { segment: { id: B } }), rule(B, { trait: { name: "age", op: ComparisonOp.GT, value: 1 } })]);
    const [problem] = validateCondition({ segment: { id: A } }, "input.condition", ctx({ segments, selfId: B }));
    expect(problem.path).toBe("input.condition.segment.id");
    expect(problem.message).toContain(`cyclic segment reference: ${B} -> ${A} -> ${B}`);
    expect(validateCondition({ segment: { id: B } }, "c", ctx({ segments, selfId: B }))[0].message).toContain("cyclic");
    expect(validateCondition({ segment: { id: A } }, "c", ctx({ segments }))).toEqual([]);
  });

  it("should refuse unknown and archived segment references", () => {
    const segments = new Map<string, SegmentInfo>([[A, { id: A, kind: "RULE", archived: true, condition: { trait: { name: "age", op: ComparisonOp.EXISTS } } }]]);
    expect(paths({ or: [{ segment: { id: A } }, { segment: { id: B } }, { segment: { id: "x' OR 1=1" } }] }, ctx({ segments }))).toEqual([
      "input.condition.or[0].segment.id",
      "input.condition.or[1].segment.id",
      "input.condition.or[2].segment.id",
    ]);
  });

  it("should treat injection attempts in trait names as unknown traits", () => {
    const [problem] = validateCondition({ trait: { name: "age') OR true; DROP TABLE profiles; --", op: "EXISTS" } }, "c", ctx());
    expect(problem.path).toBe("c.trait.name");
    expect(problem.message).toMatch(/^unknown trait/);
  });

  it("should refuse trees that are too deep or too large", () => {
    let deep: unknown = { trait: { name: "age", op: "EXISTS" } };
    for (let i = 0; i < 20; i++) deep = { not: deep };
    expect(paths(deep).length).toBe(1);
    const wide = { or: Array.from({ length: 250 }, () => ({ trait: { name: "age", op: "EXISTS" } })) };
    expect(validateCondition(wide, "c", ctx())[0].message).toContain("at most 200");
  });
});
