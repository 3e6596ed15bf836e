import { ServiceKey } from "../common/kernel";
import type { FieldProblem } from "../common/errors";
import type { VariantOverrides } from "./experiment.entity";

/** The arm a profile gets in the experiment running on a template. */
export interface RenderAssignment {
  experimentId: string;
  variantKey: string;
  /** True for the holdout group: render the non-personalized version. */
  holdout: boolean;
  overrides: VariantOverrides;
}

/** One render of a campaign: who saw what. */
export interface ExposureInput {
  campaignId: string;
  experimentId?: string | null;
  variantKey?: string | null;
  profileId: string;
  templateVersion: string;
  /** Delivery time (defaults to now): attribution windows and machine-open detection start here. */
  exposedAt?: Date;
}

/**
 * What rendering uses (service key `EXPERIMENTS`):
 * - `assignForRender(ws, { templateId, campaignId?, profileIds })` — the running experiment on the
 *   template (a campaign-scoped one wins over a template-wide one) assigns every profile, stores new
 *   assignments in one set-based statement and returns profileId → arm. Profiles outside any
 *   experiment are absent from the map. Call it once per batch, before rendering.
 * - `recordExposures(ws, exposures)` — one multi-row insert, idempotent per campaign + profile
 *   (a retried send records nothing twice); invalid items are skipped and reported, never sinking
 *   the valid ones. Unknown campaign ids are created as campaigns with default attribution.
 */
export interface ExperimentsService {
  assignForRender(workspaceId: string, request: { templateId: string; campaignId?: string | null; profileIds: string[] }): Promise<Map<string, RenderAssignment>>;
  recordExposures(workspaceId: string, exposures: ExposureInput[]): Promise<{ recorded: number; problems: FieldProblem[] }>;
}

export const EXPERIMENTS = new ServiceKey<ExperimentsService>("experiments");
