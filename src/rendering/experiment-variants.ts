import type { CompiledTemplate } from "./compiled-template";
import type { ProfileData, VariantOverrides } from "./adapters/source-adapter";

/** Compiles the version an experiment arm renders (another template version, blocks replaced by slot). */
export type VariantCompiler = (base: CompiledTemplate, overrides: Pick<VariantOverrides, "blocks" | "templateVersionId">) => Promise<CompiledTemplate>;

/** The compiled version each recipient renders, when an arm overrides blocks or the version; failures per recipient. */
export interface ArmVersions {
  byProfile: Map<string, CompiledTemplate>;
  failed: Map<string, string>;
}

const needsOwnVersion = (o: VariantOverrides | undefined): boolean => Boolean(o?.templateVersionId || (o?.blocks && Object.keys(o.blocks).length));

/** Resolves each arm's compiled version once per batch (one compile per distinct arm, cached across batches). */
export async function armVersions(base: CompiledTemplate, profileIds: string[], data: ReadonlyMap<string, ProfileData>, compile: VariantCompiler | null): Promise<ArmVersions> {
  const byProfile = new Map<string, CompiledTemplate>();
  const failed = new Map<string, string>();
  const arms = new Map<string, { overrides: VariantOverrides; ids: string[] }>();
  for (const id of profileIds) {
    const assignment = data.get(id)?.assignment;
    if (!assignment || assignment.holdout || !needsOwnVersion(assignment.overrides)) continue;
    const key = `${assignment.experimentId}/${assignment.variantKey}`;
    let arm = arms.get(key);
    if (!arm) arms.set(key, (arm = { overrides: assignment.overrides, ids: [] }));
    arm.ids.push(id);
  }
  await Promise.all(
    [...arms.values()].map(async ({ overrides, ids }) => {
      try {
        if (!compile) throw new Error("variant versions are not available");
        const compiled = await compile(base, { blocks: overrides.blocks, templateVersionId: overrides.templateVersionId });
        for (const id of ids) byProfile.set(id, compiled);
      } catch (error) {
        // a broken arm fails its own recipients, never the rest of the send
        const message = `the experiment variant could not be rendered: ${(error as Error).message.split("\n")[0]}`;
        for (const id of ids) failed.set(id, message);
      }
    }),
  );
  return { byProfile, failed };
}

/** True when a variant reads a source or a recommendation list the base version did not load. */
export function needsMoreData(base: CompiledTemplate, variant: CompiledTemplate): boolean {
  for (const s of variant.sources) if (!base.sources.has(s)) return true;
  const loaded = new Set(base.recommendations.map((r) => JSON.stringify(r)));
  return variant.recommendations.some((r) => !loaded.has(JSON.stringify(r)));
}
