import type { KindredModule } from "../common/kernel";
import { ServiceKey } from "../common/kernel";
import { MODEL_REGISTRY, MODEL_TRAINERS } from "../models/models.module";
import { CONSENT } from "../privacy/consent.module";
import { onProfileInvalidated } from "../profiles/profile-changes";
import { PROFILE_HOOKS } from "../profiles/profile-hooks";
import { DriftService } from "./drift/drift.service";
import { DRIFT_JOB, REFRESH_JOB, SCORE_JOB, driftJob, refreshAll, scoreWorkspace, type DriftJobParams } from "./predictions.jobs";
import { PredictionsResolver } from "./predictions.resolver";
import { PredictionsService } from "./predictions.service";
import { SendTimeService } from "./sendtime/send-time.service";
import { churnTrainer, propensityTrainer } from "./training/prediction-trainers";
import { CHURN_RISK, PURCHASE_PROPENSITY } from "./training/prediction-kinds";

/** `predict(workspaceId, profileIds) → Map<profileId, ProfilePredictionResult>` (rendering calls it per batch). */
export const PREDICTIONS = new ServiceKey<PredictionsService>("predictions");

/** Purchase propensity, churn risk, best send time, drift. */
export const predictionsModule: KindredModule = {
  name: "predictions",
  entities: [],
  create(kernel, modules) {
    const now = () => kernel.clock.now();
    const registry = modules.get(MODEL_REGISTRY);
    const trainers = modules.get(MODEL_TRAINERS);
    trainers.register(propensityTrainer);
    trainers.register(churnTrainer);
    const sendTime = new SendTimeService(kernel.dataSource, now);
    const predictions = new PredictionsService(kernel.dataSource, registry, modules.get(CONSENT), sendTime, now);
    const drift = new DriftService(kernel.dataSource, predictions, registry, kernel.bus, kernel.logger, now);
    modules.provide(PREDICTIONS, predictions);
    // A profile's new events, traits, consent or merge change its answer: drop it before ingestion answers
    // (hooks), and on changes announced by other instances (bus). A model activation changes every answer.
    onProfileInvalidated(modules.get(PROFILE_HOOKS), kernel.bus, "predictions", (workspaceId, profileId) => predictions.invalidateProfile(workspaceId, profileId));
    // Erased profiles must not be answered from memory.
    kernel.bus.on("privacy.profileErased", (p) => {
      for (const id of p.profileIds) predictions.invalidateProfile(p.workspaceId, id);
    });
    kernel.bus.on("model.activated", (p) => {
      if (p.kind === PURCHASE_PROPENSITY || p.kind === CHURN_RISK) predictions.invalidateWorkspace(p.workspaceId);
    });
    kernel.jobs.define({ kind: SCORE_JOB, handle: (ctx) => scoreWorkspace(kernel.dataSource, predictions, ctx), expireInSeconds: 3600 });
    kernel.jobs.define<DriftJobParams, unknown>({
      kind: DRIFT_JOB,
      handle: (ctx) => driftJob({ dataSource: kernel.dataSource, drift, registry, trainers: { [PURCHASE_PROPENSITY]: propensityTrainer, [CHURN_RISK]: churnTrainer }, now, logger: kernel.logger }, ctx),
      expireInSeconds: 3600,
    });
    const enqueue = (kind: string, workspaceId: string, params: unknown) => kernel.jobs.enqueue(kind, workspaceId, params);
    if (kernel.config.predictionsRefreshCron) {
      kernel.jobs.define({ kind: REFRESH_JOB, schedule: kernel.config.predictionsRefreshCron, handle: () => refreshAll(kernel.dataSource, enqueue) });
    }
    return { resolvers: [new PredictionsResolver(predictions, drift, enqueue)] };
  },
};
