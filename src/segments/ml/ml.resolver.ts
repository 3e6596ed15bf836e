import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../../common/context";
import type { JobQueue } from "../../common/jobs";
import { Can } from "../../workspaces/role";
import { CreateClusterSegmentsInput, CreateLookalikeSegmentInput } from "../segment.inputs";
import { JobStartedPayload } from "../segment.types";
import type { MlSegmentsService } from "./ml-segments.service";
import type { FeatureSpec } from "./profile-features";

export const CLUSTER_JOB = "segments.clusters";
export const LOOKALIKE_JOB = "segments.lookalike";

/** Starts ML segment jobs; results (segments, silhouette, elbow, AUC) arrive as the job's result. */
@Resolver()
export class MlSegmentsResolver {
  constructor(
    private readonly ml: MlSegmentsService,
    private readonly jobs: JobQueue,
  ) {}

  @Authorized(...Can.edit)
  @Mutation(() => JobStartedPayload, { description: "k-means on standardized profile features (k by silhouette); one segment per cluster with a persona. Follow the job for results" })
  async createClusterSegments(@Arg("input") input: CreateClusterSegmentsInput, @Ctx() ctx: RequestContext): Promise<JobStartedPayload> {
    const params = await this.ml.checkClusters(ctx.scope, { ...input, features: input.features as FeatureSpec[] });
    return { jobId: await this.jobs.enqueue(CLUSTER_JOB, ctx.scope.workspaceId, params) };
  }

  @Authorized(...Can.edit)
  @Mutation(() => JobStartedPayload, { description: "Logistic regression seed vs non-members scores every profile; the top scorers outside the seed form a segment. Follow the job for the held-out AUC" })
  async createLookalikeSegment(@Arg("input") input: CreateLookalikeSegmentInput, @Ctx() ctx: RequestContext): Promise<JobStartedPayload> {
    const params = await this.ml.checkLookalike(ctx.scope, { ...input, features: input.features as FeatureSpec[] | null });
    return { jobId: await this.jobs.enqueue(LOOKALIKE_JOB, ctx.scope.workspaceId, params) };
  }
}
