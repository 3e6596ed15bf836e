import { gbdtContributions, gbdtRawScore, type GbdtModel } from "./gbdt";
import { logisticContributions, logisticImportances, logisticLogit, sigmoid, type LogisticModel } from "./logistic";

/**
 * GBDT and logistic regression fitted on the same rows, averaged in log-odds:
 * p = σ(w·raw_gbdt + (1 − w)·logit_lr). Chosen because, on forward validation inside the training
 * window, the average ranked better than either model alone (README "Predictions").
 */
export interface BlendModel {
  kind: "blend";
  features: string[];
  /** Weight of the GBDT's log-odds (the logistic regression gets 1 − weight). */
  gbdtWeight: number;
  gbdt: GbdtModel;
  logistic: LogisticModel;
}

export const BLEND_GBDT_WEIGHT = 0.5;

export function blendModels(gbdt: GbdtModel, logistic: LogisticModel, gbdtWeight = BLEND_GBDT_WEIGHT): BlendModel {
  return { kind: "blend", features: [...gbdt.features], gbdtWeight, gbdt, logistic };
}

export function blendRawScore(model: BlendModel, row: ArrayLike<number>): number {
  return model.gbdtWeight * gbdtRawScore(model.gbdt, row) + (1 - model.gbdtWeight) * logisticLogit(model.logistic, row);
}

export function predictBlend(model: BlendModel, row: ArrayLike<number>): number {
  return sigmoid(blendRawScore(model, row));
}

/** Per-feature log-odds contributions: the weighted sum of both parts' contributions. */
export function blendContributions(model: BlendModel, row: ArrayLike<number>): number[] {
  const g = gbdtContributions(model.gbdt, row);
  const l = logisticContributions(model.logistic, row);
  return g.map((v, j) => model.gbdtWeight * v + (1 - model.gbdtWeight) * l[j]);
}

/** Importances: the weighted mean of both parts' normalized importances. */
export function blendImportances(model: BlendModel): number[] {
  const l = logisticImportances(model.logistic);
  return model.gbdt.importances.map((v, j) => model.gbdtWeight * v + (1 - model.gbdtWeight) * l[j]);
}
