import { ServiceKey, type ModuleRegistry } from "../../common/kernel";

// Structural views of the services rendering consumes, keyed by the names their modules provide.
// Declared here (not imported) so rendering builds and degrades cleanly while a module is absent.

/** A profile as rendering needs it. */
export interface ProfileLike {
  id: string;
  traits: Record<string, unknown>;
  computed: Record<string, unknown>;
}

export interface ProfilesPort {
  getMany(workspaceId: string, ids: readonly string[]): Promise<(ProfileLike | null)[]>;
}
export interface ConsentPort {
  allowed(workspaceId: string, profileIds: readonly string[], purpose: "personalization"): Promise<Map<string, boolean>>;
}
export type SegmentRef = string | { id?: string; key?: string; slug?: string; name?: string };
export interface SegmentsPort {
  membershipsFor(workspaceId: string, profileIds: readonly string[]): Promise<Map<string, SegmentRef[]> | Record<string, SegmentRef[]>>;
  memberIds(workspaceId: string, segmentId: string, first: number, after?: string | null): Promise<{ ids?: string[]; profileIds?: string[]; endCursor?: string | null; hasNextPage?: boolean } | string[]>;
}
export interface RecommendationRequestPort {
  profileId: string;
  n: number;
  strategy: string;
  filter?: { category?: string; brand?: string };
}
export interface RecommendedItemLike {
  itemId?: string;
  id?: string;
  score?: number;
}
export interface RecommendationResultLike {
  profileId?: string;
  items?: RecommendedItemLike[];
  strategy?: string;
  modelVersion?: string | number | null;
  modelVersionId?: string | null;
}
export interface RecommendationsPort {
  recommend(workspaceId: string, requests: RecommendationRequestPort[]): Promise<RecommendationResultLike[] | Map<string, RecommendationResultLike>>;
}
export interface PredictionsPort {
  predict(workspaceId: string, profileIds: readonly string[]): Promise<Map<string, Record<string, unknown>> | Record<string, Record<string, unknown>> | ({ profileId: string } & Record<string, unknown>)[]>;
}
export interface AssignmentLike {
  experimentId: string;
  variantKey: string;
  holdout: boolean;
  overrides: { subject?: string; templateVersionId?: string; blocks?: Record<string, string> };
}
export interface ExperimentsPort {
  assignForRender(workspaceId: string, request: { templateId: string; campaignId?: string | null; profileIds: string[] }): Promise<Map<string, AssignmentLike>>;
  recordExposures(workspaceId: string, exposures: { campaignId: string; experimentId?: string | null; variantKey?: string | null; profileId: string; templateVersion: string }[]): Promise<unknown>;
}
export interface EventIngestionPort {
  ingest(workspaceId: string, inputs: readonly unknown[]): Promise<{ status: string; reasons?: unknown[] }[]>;
}

export const PORTS = {
  profiles: new ServiceKey<ProfilesPort>("profiles"),
  consent: new ServiceKey<ConsentPort>("consent"),
  segments: new ServiceKey<SegmentsPort>("segments"),
  recommendations: new ServiceKey<RecommendationsPort>("recommendations"),
  predictions: new ServiceKey<PredictionsPort>("predictions"),
  experiments: new ServiceKey<ExperimentsPort>("experiments"),
  eventIngestion: new ServiceKey<EventIngestionPort>("eventIngestion"),
};

/** Looks services up lazily (after every module is built); an absent one is null, not an error. */
export class ServiceLookup {
  constructor(private readonly modules: ModuleRegistry) {}
  get<T>(key: ServiceKey<T>, method: string): T | null {
    try {
      const service = this.modules.get(key) as Record<string, unknown>;
      return typeof service?.[method] === "function" ? (service as T) : null;
    } catch {
      return null;
    }
  }
}

/** Normalizes a Map, a plain record or a list of `{ profileId }` rows into a Map. */
export function asMap<V>(value: Map<string, V> | Record<string, V> | ({ profileId?: string } & V)[] | null | undefined): Map<string, V> {
  if (!value) return new Map();
  if (value instanceof Map) return value;
  if (Array.isArray(value)) return new Map(value.filter((v) => v.profileId).map((v) => [v.profileId!, v as V]));
  return new Map(Object.entries(value));
}
