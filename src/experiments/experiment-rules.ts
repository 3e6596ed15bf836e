// Pure rules for experiment definitions: what a valid definition is, and which edits would bias
// a running test (and are therefore refused).
import type { FieldProblem } from "../common/errors";
import { isUuid } from "../common/validation";
import { expandFactorial } from "./assign";
import { ExperimentKind, HOLDOUT_KEY, type ExperimentFactor, type ExperimentVariant } from "./experiment.entity";
import type { FactorInput, VariantInput } from "./experiment.inputs";

/** A definition after normalization: the arms to store. */
export interface ExperimentDefinition {
  kind: ExperimentKind;
  variants: ExperimentVariant[];
  factors: ExperimentFactor[] | null;
  holdoutShare: number;
  alpha: number;
}

const KEY = /^[A-Za-z0-9_-]{1,40}$/;

/** Checks and normalizes arms/factors; returns the definition and every problem found. */
export function normalizeDefinition(
  input: { kind: ExperimentKind; variants?: VariantInput[] | null; factors?: FactorInput[] | null; holdoutShare?: number | null; alpha?: number | null },
  path = "input",
): { definition: ExperimentDefinition; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const add = (p: string, message: string): void => void problems.push({ path: `${path}.${p}`, message });
  const holdoutShare = input.holdoutShare ?? 0;
  const alpha = input.alpha ?? 0.05;
  if (!(holdoutShare >= 0 && holdoutShare <= 0.5)) add("holdoutShare", "must be between 0 and 0.5");
  if (!(alpha > 0 && alpha <= 0.2)) add("alpha", "must be in (0, 0.2]");
  let variants: ExperimentVariant[] = [];
  let factors: ExperimentFactor[] | null = null;
  if (input.kind === ExperimentKind.MULTIVARIATE) {
    if (input.variants?.length) add("variants", "MULTIVARIATE experiments define factors, not variants");
    const list = input.factors ?? [];
    if (list.length < 2) add("factors", "a multivariate test needs at least 2 factors");
    const slots = new Set<string>();
    list.forEach((f, i) => {
      if (!f.slot.trim()) add(`factors[${i}].slot`, "must not be empty");
      if (slots.has(f.slot)) add(`factors[${i}].slot`, `duplicate slot "${f.slot}"`);
      slots.add(f.slot);
      if (f.levels.length < 2) add(`factors[${i}].levels`, "needs at least 2 levels");
      const keys = new Set<string>();
      f.levels.forEach((l, j) => {
        if (!KEY.test(l.key)) add(`factors[${i}].levels[${j}].key`, "must be 1–40 letters, digits, _ or -");
        if (keys.has(l.key)) add(`factors[${i}].levels[${j}].key`, `duplicate level "${l.key}"`);
        keys.add(l.key);
        if (l.content == null && !l.templateVersionId) add(`factors[${i}].levels[${j}]`, "needs content or templateVersionId");
      });
    });
    factors = list.map((f) => ({ slot: f.slot, levels: f.levels.map((l) => ({ key: l.key, content: l.content ?? undefined, templateVersionId: l.templateVersionId ?? undefined })) }));
    if (list.length >= 2 && list.every((f) => f.levels.length >= 2)) {
      variants = expandFactorial(factors);
      if (variants.length > 64) add("factors", `the factorial has ${variants.length} arms; at most 64 are allowed`);
    }
  } else {
    if (input.factors?.length) add("factors", "only MULTIVARIATE experiments take factors");
    const list = input.variants ?? [];
    if (list.length === 0) add("variants", "needs at least one variant (the control)");
    const keys = new Set<string>();
    const controls = list.filter((v) => v.control).length;
    if (controls > 1) add("variants", "exactly one variant may be the control");
    list.forEach((v, i) => {
      if (!KEY.test(v.key)) add(`variants[${i}].key`, "must be 1–40 letters, digits, _ or -");
      if (v.key === HOLDOUT_KEY) add(`variants[${i}].key`, `"${HOLDOUT_KEY}" is reserved for the holdout group`);
      if (keys.has(v.key)) add(`variants[${i}].key`, `duplicate key "${v.key}"`);
      keys.add(v.key);
      if (!(v.weight > 0) || !Number.isFinite(v.weight)) add(`variants[${i}].weight`, "must be a positive number");
      if (input.kind === ExperimentKind.SUBJECT && !v.subject?.trim()) add(`variants[${i}].subject`, "a SUBJECT experiment needs a subject on every variant");
      if (input.kind === ExperimentKind.BLOCK && (!v.blocks || Object.keys(v.blocks).length === 0)) add(`variants[${i}].blocks`, "a BLOCK experiment needs block content on every variant");
      if (input.kind === ExperimentKind.TEMPLATE && !v.templateVersionId) add(`variants[${i}].templateVersionId`, "a TEMPLATE experiment needs a template version on every variant");
      for (const [slot, content] of Object.entries(v.blocks ?? {})) if (typeof content !== "string") add(`variants[${i}].blocks.${slot}`, "must be a string");
    });
    const slotsOf = (v: VariantInput): string => Object.keys(v.blocks ?? {}).sort().join(",");
    if (input.kind === ExperimentKind.BLOCK && list.length > 1 && new Set(list.map(slotsOf)).size > 1) add("variants", "every variant of a BLOCK experiment must fill the same slots");
    variants = list.map((v, i) => ({
      key: v.key,
      weight: v.weight,
      control: controls === 0 ? i === 0 : v.control,
      overrides: {
        ...(v.subject ? { subject: v.subject } : {}),
        ...(v.blocks && Object.keys(v.blocks).length ? { blocks: v.blocks as Record<string, string> } : {}),
        ...(v.templateVersionId ? { templateVersionId: v.templateVersionId } : {}),
      },
    }));
    if (list.length === 1 && holdoutShare === 0) add("holdoutShare", "a single variant needs a holdout to compare against");
  }
  return { definition: { kind: input.kind, variants, factors, holdoutShare, alpha }, problems };
}

/** Fields whose change would bias a running (or invalidate a stopped) test. */
export const LOCKED_WHILE_RUNNING = ["kind", "templateId", "campaignId", "variants", "factors", "holdoutShare", "primaryMetric", "sequential", "alpha"] as const;

/** The locked fields a patch tries to change (empty when the patch is harmless). */
export function biasingChanges(patch: Record<string, unknown>): string[] {
  return LOCKED_WHILE_RUNNING.filter((field) => patch[field] !== undefined && patch[field] !== null);
}

/** Checks ids that go into uuid columns. */
export function checkUuid(value: string | null | undefined, path: string, problems: FieldProblem[]): void {
  if (value != null && !isUuid(value)) problems.push({ path, message: `must be a UUID, got "${String(value).slice(0, 60)}"` });
}
