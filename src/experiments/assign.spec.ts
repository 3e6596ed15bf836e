import { assignVariant, expandFactorial, hashUnit, overridesFor } from "./assign";
import { sampleRatioMismatch } from "./stats/checks";
import { chiSquareSf } from "./stats/special";
import { HOLDOUT_KEY } from "./experiment.entity";

const id = (i: number): string => `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;

describe("variant assignment", () => {
  it("should be uniform when hashing 100,000 ids into 100 buckets (chi-square)", () => {
    const buckets = new Array<number>(100).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(hashUnit("exp-1", id(i)) * 100)]++;
    const statistic = buckets.reduce((s, b) => s + (b - 1000) ** 2 / 1000, 0);
    expect(chiSquareSf(statistic, 99)).toBeGreaterThan(0.001);
  });

  it("should split 100,000 ids by weight and holdout without a sample-ratio mismatch", () => {
    const variants = [
      { key: "a", weight: 2 },
      { key: "b", weight: 1 },
      { key: "c", weight: 1 },
    ];
    const counts: Record<string, number> = { a: 0, b: 0, c: 0, [HOLDOUT_KEY]: 0 };
    for (let i = 0; i < 100_000; i++) counts[assignVariant("exp-2", id(i), variants, 0.1)]++;
    // Planned shares: holdout 10 %, then 45 / 22.5 / 22.5 %.
    const srm = sampleRatioMismatch([counts.a, counts.b, counts.c, counts[HOLDOUT_KEY]], [0.45, 0.225, 0.225, 0.1]);
    expect(srm.alarm).toBe(false);
    expect(srm.pValue).toBeGreaterThan(0.001);
  });

  it("should give the same arm every time (sticky) and differ between experiments", () => {
    const variants = [
      { key: "a", weight: 1 },
      { key: "b", weight: 1 },
    ];
    let same = 0;
    for (let i = 0; i < 1000; i++) {
      const first = assignVariant("exp-3", id(i), variants, 0);
      expect(assignVariant("exp-3", id(i), variants, 0)).toBe(first);
      if (assignVariant("exp-4", id(i), variants, 0) === first) same++;
    }
    // Independent experiments agree about half the time, not always.
    expect(same).toBeGreaterThan(400);
    expect(same).toBeLessThan(600);
  });

  it("should keep non-holdout arms unchanged when the holdout share is zero and key is stable", () => {
    expect(assignVariant("e", id(1), [{ key: "only", weight: 1 }], 0)).toBe("only");
  });

  it("should expand a 2×3 factorial with the first levels as control", () => {
    const arms = expandFactorial([
      { slot: "subject", levels: [{ key: "s0", content: "Hi" }, { key: "s1", content: "Hello" }] },
      { slot: "hero", levels: [{ key: "h0", content: "A" }, { key: "h1", content: "B" }, { key: "h2", content: "C" }] },
    ]);
    expect(arms).toHaveLength(6);
    expect(arms.filter((a) => a.control).map((a) => a.key)).toEqual(["subject=s0|hero=h0"]);
    expect(overridesFor(arms, "subject=s1|hero=h2")).toEqual({ subject: "Hello", blocks: { hero: "C" } });
    expect(overridesFor(arms, HOLDOUT_KEY)).toEqual({});
  });
});
