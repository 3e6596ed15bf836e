import { biasingChanges, normalizeDefinition } from "./experiment-rules";
import { ExperimentKind } from "./experiment.entity";

const v = (key: string, extra: Record<string, unknown> = {}) => ({ key, weight: 1, control: false, ...extra });

describe("experiment definitions", () => {
  it("should make the first variant the control when none is marked", () => {
    const { definition, problems } = normalizeDefinition({ kind: ExperimentKind.SUBJECT, variants: [v("a", { subject: "Hi" }), v("b", { subject: "Yo" })] });
    expect(problems).toEqual([]);
    expect(definition.variants.map((x) => x.control)).toEqual([true, false]);
    expect(definition.variants[1].overrides).toEqual({ subject: "Yo" });
  });

  it("should report every problem with its path when the definition is bad", () => {
    const { problems } = normalizeDefinition({
      kind: ExperimentKind.SUBJECT,
      variants: [v("holdout", { subject: "x" }), v("b", { weight: 0 }), v("b", { subject: "y", control: true }), v("c", { subject: "z", control: true })],
      holdoutShare: 0.9,
    });
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(["input.holdoutShare", "input.variants", "input.variants[0].key", "input.variants[1].weight", "input.variants[1].subject", "input.variants[2].key"]),
    );
  });

  it("should expand factors when the experiment is multivariate", () => {
    const { definition, problems } = normalizeDefinition({
      kind: ExperimentKind.MULTIVARIATE,
      factors: [
        { slot: "subject", levels: [{ key: "a", content: "A" }, { key: "b", content: "B" }] },
        { slot: "hero", levels: [{ key: "x", content: "X" }, { key: "y", content: "Y" }] },
      ],
    });
    expect(problems).toEqual([]);
    expect(definition.variants).toHaveLength(4);
  });

  it("should require a holdout when only a control is given", () => {
    const { problems } = normalizeDefinition({ kind: ExperimentKind.BLOCK, variants: [v("a", { blocks: { hero: "x" } })] });
    expect(problems.map((p) => p.path)).toEqual(["input.holdoutShare"]);
  });

  it("should name the locked fields when a patch would bias a running test", () => {
    expect(biasingChanges({ name: "x", description: "y" })).toEqual([]);
    expect(biasingChanges({ name: "x", variants: [], holdoutShare: 0.1 })).toEqual(["variants", "holdoutShare"]);
  });
});
