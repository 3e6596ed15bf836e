import { diversify } from "./diversity";

const c = (itemId: string, score: number, category: string) => ({ itemId, score, category });
const list = [c("a", 10, "X"), c("b", 9, "X"), c("c", 8, "X"), c("d", 7, "Y"), c("e", 6, "Z")];

describe("diversity", () => {
  it("should return the top n unchanged when no diversity is asked", () => {
    expect(diversify(list, 3, null).map((x) => x.itemId)).toEqual(["a", "b", "c"]);
  });

  it("should keep at most M per category in score order when maxPerCategory is set", () => {
    expect(diversify(list, 4, { maxPerCategory: 1 }).map((x) => x.itemId)).toEqual(["a", "d", "e"]);
    expect(diversify(list, 4, { maxPerCategory: 2 }).map((x) => x.itemId)).toEqual(["a", "b", "d", "e"]);
  });

  it("should trade relevance for new categories when MMR λ is low and keep score order when λ is 1", () => {
    expect(diversify(list, 3, { mmrLambda: 1 }).map((x) => x.itemId)).toEqual(["a", "b", "c"]);
    expect(diversify(list, 3, { mmrLambda: 0.3 }).map((x) => x.itemId)).toEqual(["a", "d", "e"]);
  });
});
