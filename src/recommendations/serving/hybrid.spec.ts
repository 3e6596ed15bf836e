import { blend, repeatList } from "./hybrid";

describe("hybrid blend", () => {
  it("should scale each component by its best score, weight and sum them when items overlap", () => {
    const out = blend(
      [
        { source: "collaborative", ids: ["a", "b"], scores: [4, 2], weight: 1 },
        { source: "repeat", ids: ["b", "c"], scores: [10, 5], weight: 1 },
      ],
      3,
    );
    expect(out.map((o) => [o.itemId, o.score, o.source])).toEqual([
      ["b", 1.5, "repeat"],
      ["a", 1, "collaborative"],
      ["c", 0.5, "repeat"],
    ]);
  });

  it("should ignore non-positive scores and filtered items when blending", () => {
    const out = blend([{ source: "content", ids: ["a", "b", "c"], scores: [1, -1, 0.5], weight: 2 }], 5, (id) => id !== "c");
    expect(out).toEqual([{ itemId: "a", score: 2, source: "content" }]);
  });

  it("should rank repeat candidates by the summed weight of the user's own interactions", () => {
    expect(repeatList([{ itemId: "x", weight: 1 }, { itemId: "y", weight: 3 }, { itemId: "x", weight: 2.5 }])).toEqual({ ids: ["x", "y"], scores: [3.5, 3] });
  });
});
