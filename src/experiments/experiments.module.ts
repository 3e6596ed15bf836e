import type { KindredModule } from "../common/kernel";
import { PROFILE_HOOKS } from "../profiles/profile-hooks";
import { ExperimentAssignment } from "./assignment.entity";
import { AssignmentService } from "./assignment.service";
import { Campaign } from "./campaign.entity";
import { CampaignResolver } from "./campaign.resolver";
import { CampaignService } from "./campaign.service";
import { Experiment } from "./experiment.entity";
import { ExperimentResolver } from "./experiment.resolver";
import { ExperimentService } from "./experiment.service";
import { EXPERIMENTS } from "./experiments.contract";
import { Exposure } from "./exposure.entity";
import { ResultsNotifier } from "./results-notifier";
import { ReportResolver } from "./report.resolver";
import { ReportService } from "./report.service";

export { EXPERIMENTS } from "./experiments.contract";
export type { ExperimentsService, ExposureInput, RenderAssignment } from "./experiments.contract";

const OUTCOME_TYPES = new Set(["email_open", "email_click", "purchase"]);

/** Experiments, assignment, campaigns, exposures, attribution and reports. */
export const experimentsModule: KindredModule = {
  name: "experiments",
  entities: [Experiment, ExperimentAssignment, Campaign, Exposure],
  create(kernel, modules) {
    const notifier = new ResultsNotifier(kernel.bus);
    const assignments = new AssignmentService(kernel.dataSource, notifier);
    const experiments = new ExperimentService(kernel.dataSource);
    const campaigns = new CampaignService();
    modules.provide(EXPERIMENTS, assignments);
    modules.get(PROFILE_HOOKS).register("experiments", async (changes, manager) => {
      // Merges: the survivor keeps one assignment per experiment (the earliest).
      const merges = changes.filter((c) => c.changed.includes("merge") && c.mergedProfileId);
      const byWorkspace = new Map<string, { survivor: string; merged: string }[]>();
      for (const c of merges) byWorkspace.set(c.workspaceId, [...(byWorkspace.get(c.workspaceId) ?? []), { survivor: c.profileId, merged: c.mergedProfileId! }]);
      for (const [workspaceId, pairs] of byWorkspace) await assignments.followMerges(workspaceId, pairs, manager);
      // Outcomes: tell live dashboards of the experiments these recipients are in (throttled).
      const outcomes = new Map<string, string[]>();
      for (const c of changes) {
        if (c.changed.includes("events") && c.eventTypes?.some((t) => OUTCOME_TYPES.has(t))) outcomes.set(c.workspaceId, [...(outcomes.get(c.workspaceId) ?? []), c.profileId]);
      }
      for (const [workspaceId, profileIds] of outcomes) {
        for (const experimentId of await assignments.experimentsOfProfiles(workspaceId, profileIds, manager)) notifier.notify(workspaceId, experimentId);
      }
    });
    return {
      resolvers: [new ExperimentResolver(experiments), new CampaignResolver(campaigns), new ReportResolver(new ReportService(kernel.dataSource))],
      stop: async () => notifier.stop(),
    };
  },
};
