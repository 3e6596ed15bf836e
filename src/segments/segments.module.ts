import type { KindredModule } from "../common/kernel";
import { ServiceKey } from "../common/kernel";
import { PROFILE_HOOKS } from "../profiles/profile-hooks";
import { COMPUTED_TRAITS } from "../profiles/computed-traits";
import { TRAIT_DEFINITIONS } from "../profiles/profiles.module";
import { MODEL_REGISTRY } from "../models/models.module";
import type { TraitType } from "./condition.types";
import { MembershipService } from "./membership.service";
import { Segment } from "./segment.entity";
import { SegmentDefinitions } from "./segment-definitions";
import { SegmentFieldsResolver, ProfileSegmentsResolver } from "./segment-fields.resolver";
import { SegmentMembership, SegmentSizePoint, SegmentVersion } from "./segment-records.entity";
import { SegmentResolver } from "./segment.resolver";
import { SegmentService } from "./segment.service";
import { SegmentMembershipChangeResolver, SegmentSubscriptionResolver } from "./segment-subscription.resolver";
import { SegmentsService } from "./segments.service";
import { segmentHookDuration, segmentMembershipChanges } from "./segment-metrics";
import { TraitCatalogService } from "./trait-catalog";
import { MlSegmentsService, type ClusterParams, type LookalikeParams } from "./ml/ml-segments.service";
import { CLUSTER_JOB, LOOKALIKE_JOB, MlSegmentsResolver } from "./ml/ml.resolver";

/** Memberships for other modules: `membershipsFor(workspaceId, profileIds)`, `memberIds(workspaceId, segmentId, first, after)`. */
export const SEGMENTS = new ServiceKey<SegmentsService>("segments");
/** Membership maintenance (recompute, incremental evaluation, window expiry), for jobs and tests. */
export const SEGMENT_MEMBERSHIPS = new ServiceKey<MembershipService>("segmentMemberships");

/** Rule segments kept current in real time, ML clusters and lookalikes. */
export const segmentsModule: KindredModule = {
  name: "segments",
  entities: [Segment, SegmentVersion, SegmentMembership, SegmentSizePoint],
  create(kernel, modules) {
    const definitionsOfTraits = modules.get(TRAIT_DEFINITIONS);
    const comparable = (type: string): type is TraitType => ["number", "string", "boolean", "date", "list"].includes(type);
    const computed = new Map(COMPUTED_TRAITS.filter((s) => comparable(s.type)).map((s) => [s.name, s.type as TraitType]));
    const catalog = new TraitCatalogService(async (workspaceId) => {
      const declared = [...(await definitionsOfTraits.typesFor(workspaceId))].filter((entry): entry is [string, TraitType] => comparable(entry[1]));
      return { traits: new Map(declared), computed };
    });
    const definitions = new SegmentDefinitions(kernel.bus);
    const memberships = new MembershipService(kernel, catalog, definitions);
    const segments = new SegmentService(kernel.dataSource, kernel.bus, catalog, definitions, memberships);
    const reads = new SegmentsService(kernel.dataSource);
    modules.provide(SEGMENTS, reads);
    modules.provide(SEGMENT_MEMBERSHIPS, memberships);
    // Runs inside ingestion/identify after commit, before the request answers.
    modules.get(PROFILE_HOOKS).register("segments", async (changes, manager) => {
      const end = segmentHookDuration.startTimer();
      try {
        for (const change of await memberships.onProfileChanges(changes, manager)) segmentMembershipChanges.inc({ change: change.entered ? "entered" : "exited" });
      } finally {
        end();
      }
    });
    kernel.jobs.define({
      kind: "segments.windows",
      schedule: "* * * * *",
      expireInSeconds: 600,
      handle: async () => {
        const changed = await memberships.expireWindows();
        await memberships.snapshotSizes();
        return { changed };
      },
    });
    const ml = new MlSegmentsService(kernel, catalog, segments, modules.get(MODEL_REGISTRY));
    kernel.jobs.define<ClusterParams, Record<string, unknown>>({ kind: CLUSTER_JOB, expireInSeconds: 3600, handle: (job) => ml.runClusters(job.workspaceId!, job.params, job) });
    kernel.jobs.define<LookalikeParams, Record<string, unknown>>({ kind: LOOKALIKE_JOB, expireInSeconds: 3600, handle: (job) => ml.runLookalike(job.workspaceId!, job.params, job) });
    return {
      resolvers: [
        new MlSegmentsResolver(ml, kernel.jobs),
        new SegmentResolver(segments, memberships, kernel.clock),
        new SegmentFieldsResolver(reads),
        new ProfileSegmentsResolver(reads),
        new SegmentSubscriptionResolver(),
        new SegmentMembershipChangeResolver(),
      ],
    };
  },
};
