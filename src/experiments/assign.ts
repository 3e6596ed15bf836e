// Deterministic, pure variant assignment: hash(experiment, profile) → a point in [0, 1) that
// picks the holdout first, then an arm by cumulative weight. The same inputs always give the same
// arm, on every instance and every render, before anything is stored.
import { createHash } from "node:crypto";
import { HOLDOUT_KEY, type ExperimentFactor, type ExperimentVariant, type VariantOverrides } from "./experiment.entity";

/** A uniform point in [0, 1) from the experiment and profile ids (first 52 bits of SHA-256). */
export function hashUnit(experimentId: string, profileId: string): number {
  const digest = createHash("sha256").update(experimentId).update(":").update(profileId).digest();
  // 52 bits fit a double exactly: 4 bytes + 20 bits.
  return (digest.readUInt32BE(0) * 2 ** 20 + (digest.readUInt32BE(4) >>> 12)) / 2 ** 52;
}

/** The arm for one profile: `holdout` with probability `holdoutShare`, else an arm by weight. */
export function assignVariant(experimentId: string, profileId: string, variants: Pick<ExperimentVariant, "key" | "weight">[], holdoutShare: number): string {
  const u = hashUnit(experimentId, profileId);
  if (u < holdoutShare) return HOLDOUT_KEY;
  // Rescale the rest of the interval so the arms' split does not depend on the holdout's size.
  const v = (u - holdoutShare) / (1 - holdoutShare);
  const total = variants.reduce((s, x) => s + x.weight, 0);
  let cumulative = 0;
  for (const variant of variants) {
    cumulative += variant.weight / total;
    if (v < cumulative) return variant.key;
  }
  return variants[variants.length - 1].key;
}

/** The full factorial over the factors: one arm per combination, keyed `slot=level|slot=level`. */
export function expandFactorial(factors: ExperimentFactor[]): ExperimentVariant[] {
  let combos: { keys: string[]; overrides: VariantOverrides; control: boolean }[] = [{ keys: [], overrides: {}, control: true }];
  for (const factor of factors) {
    const next: typeof combos = [];
    for (const combo of combos) {
      factor.levels.forEach((level, index) => {
        const overrides: VariantOverrides = { ...combo.overrides, blocks: combo.overrides.blocks ? { ...combo.overrides.blocks } : undefined };
        if (level.templateVersionId) overrides.templateVersionId = level.templateVersionId;
        if (level.content !== undefined && level.content !== null) {
          if (factor.slot === "subject") overrides.subject = level.content;
          else overrides.blocks = { ...(overrides.blocks ?? {}), [factor.slot]: level.content };
        }
        if (!overrides.blocks) delete overrides.blocks;
        next.push({ keys: [...combo.keys, `${factor.slot}=${level.key}`], overrides, control: combo.control && index === 0 });
      });
    }
    combos = next;
  }
  return combos.map((c) => ({ key: c.keys.join("|"), weight: 1, control: c.control, overrides: c.overrides }));
}

/** The render overrides of an arm (none for the holdout: it gets the plain version). */
export function overridesFor(variants: ExperimentVariant[], key: string): VariantOverrides {
  if (key === HOLDOUT_KEY) return {};
  return variants.find((v) => v.key === key)?.overrides ?? {};
}
