import type { KindredModule } from "../common/kernel";
import { ServiceKey } from "../common/kernel";
import { CATALOG } from "../catalog/catalog.module";
import { MODEL_REGISTRY, MODEL_TRAINERS } from "../models/models.module";
import { onProfileInvalidated } from "../profiles/profile-changes";
import { PROFILE_HOOKS } from "../profiles/profile-hooks";
import { CONSENT } from "../privacy/consent.module";
import { RecommendationService, type ConsentCheck } from "./recommendation.service";
import { RecommendationsResolver, RecommendedItemResolver } from "./recommendations.resolver";
import { recommenderTrainers } from "./trainers/rec-trainers";

/** recommend(workspaceId, requests[]) → results[] in order (batched: one ONNX run per model); relatedItems(…). */
export const RECOMMENDATIONS = new ServiceKey<RecommendationService>("recommendations");

/** Recommenders: trainers (ALS, EASE, ITEM_KNN, BOUGHT_TOGETHER, CONTENT, POPULAR), serving, caches. */
export const recommendationsModule: KindredModule = {
  name: "recommendations",
  entities: [],
  create(kernel, modules) {
    const trainers = modules.get(MODEL_TRAINERS);
    for (const trainer of recommenderTrainers({ easeMaxItems: kernel.config.easeMaxItems })) trainers.register(trainer);
    let consent: ConsentCheck | null = null;
    try {
      consent = modules.get(CONSENT);
    } catch {
      kernel.logger.warn("no CONSENT service: recommendations treat every profile as consenting");
    }
    const service = new RecommendationService(kernel.dataSource, modules.get(MODEL_REGISTRY), consent, kernel.clock, kernel.logger);
    modules.provide(RECOMMENDATIONS, service);
    // A profile's new events, consent or merge change its next answer: drop its cached results before ingestion answers.
    onProfileInvalidated(modules.get(PROFILE_HOOKS), kernel.bus, "recommendations", (workspaceId, profileId) => service.invalidateProfile(workspaceId, profileId));
    // An erased person's cached answers and history must not outlive the erasure.
    kernel.bus.on("privacy.profileErased", (p) => {
      for (const id of p.profileIds) service.invalidateProfile(p.workspaceId, id);
    });
    // Catalog edits (availability, price, category) change what filters let through: reload the snapshot.
    kernel.bus.on("catalog.changed", (p) => service.catalogs.invalidate(p.workspaceId));
    kernel.bus.on("model.activated", (p) => {
      service.cache.invalidateWorkspace(p.workspaceId);
      if (p.previousVersionId) service.forgetVersion(p.previousVersionId);
    });
    return { resolvers: [new RecommendationsResolver(service), new RecommendedItemResolver(modules.get(CATALOG))] };
  },
};
