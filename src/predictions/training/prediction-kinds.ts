import type { ProfileAggregates } from "../features/feature-vector";

/** The two prediction models Kindred trains, as model-registry kinds. */
export const PURCHASE_PROPENSITY = "PURCHASE_PROPENSITY";
export const CHURN_RISK = "CHURN_RISK";
export type PredictionKind = typeof PURCHASE_PROPENSITY | typeof CHURN_RISK;
export const PREDICTION_KINDS: PredictionKind[] = [PURCHASE_PROPENSITY, CHURN_RISK];

/** Training params (validated; defaults applied). */
export interface PredictionTrainingParams {
  horizonDays: number;
  algorithm: "auto" | "gbdt" | "logistic" | "blend";
  /** Stacked training cutoffs, spaced `cutoffSpacingDays` apart, the latest at asOf − horizon. */
  cutoffs: number;
  cutoffSpacingDays: number;
  /** Churn: only profiles with a purchase in the last activeDays are scored. */
  activeDays: number;
  /** Train as if now were this time (historical imports); default now. */
  asOf: string | null;
}

export const DEFAULT_TRAINING_PARAMS: PredictionTrainingParams = { horizonDays: 30, algorithm: "auto", cutoffs: 3, cutoffSpacingDays: 30, activeDays: 90, asOf: null };

/** Who a model speaks about at cutoff T (the training population and the serving population are the same rule). */
export function inPopulation(kind: PredictionKind, aggregates: ProfileAggregates, activeDays: number): boolean {
  if (aggregates.orders === 0 || aggregates.minAge === null) return false;
  return kind === PURCHASE_PROPENSITY ? true : aggregates.minAge <= activeDays;
}

/** The label from "did the profile purchase in [T, T + horizon)". */
export function labelFor(kind: PredictionKind, purchasedInHorizon: boolean): number {
  return kind === PURCHASE_PROPENSITY ? (purchasedInHorizon ? 1 : 0) : purchasedInHorizon ? 0 : 1;
}

/** Profiles computed trait key each kind's latest score is written to. */
export const COMPUTED_KEY: Record<PredictionKind, string> = { [PURCHASE_PROPENSITY]: "purchase_propensity", [CHURN_RISK]: "churn_risk" };
