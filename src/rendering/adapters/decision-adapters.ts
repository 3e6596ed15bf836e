import { recommendationKey, type TemplateItem } from "../liquid-engine";
import { asMap, PORTS, type SegmentRef } from "./ports";
import { loadItems, slot, type AdapterDeps, type SourceAdapter } from "./source-adapter";

const segmentName = (ref: SegmentRef): string | null => (typeof ref === "string" ? ref : ref.key ?? ref.slug ?? ref.name ?? ref.id ?? null);

/** `segments`: the keys of every segment each profile belongs to (SEGMENTS.membershipsFor). */
export function segmentsAdapter({ lookup }: AdapterDeps): SourceAdapter {
  return {
    source: "segments",
    provider: "segments",
    available: () => lookup.get(PORTS.segments, "membershipsFor") !== null,
    async load(request, into) {
      const memberships = asMap(await lookup.get(PORTS.segments, "membershipsFor")!.membershipsFor(request.workspaceId, request.profileIds));
      for (const id of request.profileIds) slot(into, id).segments = (memberships.get(id) ?? []).map(segmentName).filter((s): s is string => Boolean(s));
    },
  };
}

/** Templates read snake_case (`predictions.churn_risk`); services may answer in camelCase. */
export function snakeKeys(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = value;
    const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (!(snake in values)) out[snake] = value;
  }
  return out;
}

/** Scores the predictions module's scheduled refresh stores as computed traits. */
export const STORED_SCORES = ["churn_risk", "purchase_propensity"];

/**
 * `predictions`: the batch-scored values in computed traits (written by the predictions refresh, so a
 * send of millions costs no model runs); profiles without stored scores are scored online in one
 * PREDICTIONS.predict call for the batch.
 */
export function predictionsAdapter({ lookup }: AdapterDeps): SourceAdapter {
  return {
    source: "predictions",
    provider: "predictions",
    available: () => lookup.get(PORTS.predictions, "predict") !== null,
    async load(request, into) {
      const missing: string[] = [];
      for (const id of request.profileIds) {
        const computed = request.profiles?.get(id)?.computed ?? {};
        const stored = STORED_SCORES.filter((k) => typeof computed[k] === "number");
        if (stored.length) slot(into, id).predictions = Object.fromEntries(stored.map((k) => [k, computed[k]]));
        else missing.push(id);
      }
      if (!missing.length) return;
      const scores = asMap(await lookup.get(PORTS.predictions, "predict")!.predict(request.workspaceId, missing));
      for (const id of missing) slot(into, id).predictions = snakeKeys((scores.get(id) as Record<string, unknown> | undefined) ?? {});
    },
  };
}

/** `{% recommendations %}`: one batched RECOMMENDATIONS.recommend call per tag, then one items query. */
export function recommendationsAdapter({ lookup, dataSource }: AdapterDeps): SourceAdapter {
  return {
    source: "recommendations",
    provider: "recommendations",
    available: () => lookup.get(PORTS.recommendations, "recommend") !== null,
    async load(request, into) {
      const service = lookup.get(PORTS.recommendations, "recommend")!;
      const answers = await Promise.all(
        request.recommendations.map(async (tag) => {
          const filter = { ...(tag.category ? { category: tag.category } : {}), ...(tag.brand ? { brand: tag.brand } : {}) };
          const asked = request.profileIds.map((profileId) => ({ profileId, n: tag.n, strategy: tag.strategy, filter }));
          const result = await service.recommend(request.workspaceId, asked);
          const byProfile = result instanceof Map ? result : new Map(result.map((r, i) => [r.profileId ?? asked[i].profileId, r]));
          return { tag, byProfile };
        }),
      );
      const itemIds = answers.flatMap((a) => [...a.byProfile.values()].flatMap((r) => (r.items ?? []).map((i) => i.itemId ?? i.id ?? "")));
      const items = await loadItems(dataSource, request.workspaceId, itemIds.filter(Boolean));
      for (const { tag, byProfile } of answers) {
        const key = recommendationKey(tag);
        for (const id of request.profileIds) {
          const answer = byProfile.get(id);
          const list: TemplateItem[] = [];
          for (const rec of answer?.items ?? []) {
            const item = items.get(rec.itemId ?? rec.id ?? "");
            if (item) list.push({ ...item, score: rec.score });
          }
          const data = slot(into, id);
          (data.recommendations ??= new Map()).set(key, list.slice(0, tag.n));
          const modelVersion = answer?.modelVersion ?? answer?.modelVersionId ?? null;
          (data.recommendationUses ??= []).push({ key, strategy: answer?.strategy ?? tag.strategy, modelVersion: modelVersion === null ? null : String(modelVersion), itemIds: list.slice(0, tag.n).map((i) => i.id) });
        }
      }
    },
  };
}
