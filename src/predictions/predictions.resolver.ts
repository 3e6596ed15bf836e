import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { RequestContext } from "../common/context";
import type { Payload } from "../common/bus";
import { UserInputError } from "../common/errors";
import { Profile } from "../profiles/profile.entity";
import { Can } from "../workspaces/role";
import type { DriftService } from "./drift/drift.service";
import type { DriftJobParams } from "./predictions.jobs";
import { DRIFT_JOB, SCORE_JOB } from "./predictions.jobs";
import type { PredictionsService, ProfilePredictionResult } from "./predictions.service";
import { CheckModelDriftInput, CheckModelDriftPayload, ModelDriftAlert, ModelHealth, ProfilePredictions, ScorePredictionsPayload } from "./predictions.types";
import { PREDICTION_KINDS, type PredictionKind } from "./training/prediction-kinds";

function kindOf(value: string, path: string): PredictionKind {
  if (!PREDICTION_KINDS.includes(value as PredictionKind)) throw UserInputError.single(path, `must be one of ${PREDICTION_KINDS.join(", ")}`);
  return value as PredictionKind;
}

/** `profile { predictions { … } }`, model health, drift alerts and batch scoring. */
@Resolver(() => Profile)
export class PredictionsResolver {
  constructor(
    private readonly service: PredictionsService,
    private readonly drift: DriftService,
    private readonly enqueue: (kind: string, workspaceId: string, params: unknown) => Promise<string>,
  ) {}

  @Authorized(...Can.read)
  @FieldResolver(() => ProfilePredictions, { description: "Purchase propensity, churn risk and best send time, with model versions and the top features behind them" })
  async predictions(@Root() profile: Profile, @Ctx() ctx: RequestContext): Promise<ProfilePredictions> {
    const workspaceId = ctx.scope.workspaceId;
    // Every profile field of one request lands in one batch (and the service merges concurrent requests' batches per tick).
    const loader = ctx.loaders.get<string, ProfilePredictionResult>("predictions.profile", async (ids) => {
      const results = await this.service.predict(workspaceId, ids);
      return ids.map((id) => results.get(id)!);
    });
    const r = await loader.load(profile.id);
    return {
      available: r.available,
      reasons: r.reasons,
      purchasePropensity: r.purchasePropensity,
      churnRisk: r.churnRisk,
      bestSendTime: r.bestSendTime,
      models: r.scores,
    };
  }

  @Authorized(...Can.read)
  @Query(() => [ModelHealth], { description: "Drift of the active prediction models: PSI per feature and of the scores against the training snapshot" })
  async modelHealth(@Arg("kind", () => String, { nullable: true }) kind: string | null, @Ctx() ctx: RequestContext): Promise<ModelHealth[]> {
    const kinds = kind ? [kindOf(kind, "kind")] : PREDICTION_KINDS;
    const reports = await Promise.all(kinds.map((k) => this.drift.health(ctx.scope.workspaceId, k)));
    return reports.filter((r): r is NonNullable<typeof r> => r !== null);
  }

  @Authorized(...Can.edit)
  @Mutation(() => CheckModelDriftPayload, { description: "Checks drift now (alerts on modelDriftDetected); with retrain, a better-or-equal new version is activated" })
  async checkModelDrift(@Arg("input") input: CheckModelDriftInput, @Ctx() ctx: RequestContext): Promise<CheckModelDriftPayload> {
    const params: DriftJobParams = { kind: kindOf(input.kind, "input.kind"), retrain: input.retrain ?? false, by: ctx.auth!.apiKeyId };
    return { jobId: await this.enqueue(DRIFT_JOB, ctx.scope.workspaceId, params) };
  }

  @Authorized(...Can.edit)
  @Mutation(() => ScorePredictionsPayload, { description: "Scores every profile with the active models and stores computed traits purchase_propensity and churn_risk" })
  async scorePredictions(@Ctx() ctx: RequestContext): Promise<ScorePredictionsPayload> {
    return { jobId: await this.enqueue(SCORE_JOB, ctx.scope.workspaceId, {}) };
  }

  @Authorized(...Can.read)
  @Subscription(() => ModelDriftAlert, {
    topics: "prediction.driftDetected",
    filter: ({ payload, context }: { payload: Payload<"prediction.driftDetected">; context: RequestContext }) => payload.workspaceId === context.auth?.workspaceId,
    description: "A prediction model's PSI passed the threshold (default 0.2)",
  })
  modelDriftDetected(@Root() payload: Payload<"prediction.driftDetected">): ModelDriftAlert {
    return { kind: payload.kind, modelVersionId: payload.versionId, predictionPsi: payload.predictionPsi, maxFeaturePsi: payload.maxFeaturePsi, driftedFeatures: payload.driftedFeatures, threshold: payload.threshold };
  }
}
