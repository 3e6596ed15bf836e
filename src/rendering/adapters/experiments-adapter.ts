import { PORTS } from "./ports";
import { slot, type AdapterDeps, type SourceAdapter } from "./source-adapter";

/** `experiment`: the variant each profile gets in the experiment running on the template (one call per batch). */
export function experimentsAdapter({ lookup }: AdapterDeps): SourceAdapter {
  return {
    source: "experiments",
    provider: "experiments",
    available: () => lookup.get(PORTS.experiments, "assignForRender") !== null,
    async load(request, into) {
      const assignments = await lookup.get(PORTS.experiments, "assignForRender")!.assignForRender(request.workspaceId, {
        templateId: request.templateId,
        campaignId: request.campaignId,
        profileIds: request.profileIds,
      });
      for (const [id, a] of assignments) slot(into, id).assignment = { experimentId: a.experimentId, variantKey: a.variantKey, holdout: a.holdout, overrides: { subject: a.overrides?.subject, blocks: a.overrides?.blocks, templateVersionId: a.overrides?.templateVersionId } };
    },
  };
}
