import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";

/** One feature's push on a score. */
@ObjectType()
export class FeatureContributionType {
  @Field() feature!: string;
  @Field(() => Float, { description: "The feature's value for this profile" }) value!: number;
  @Field(() => Float, { description: "Its contribution to the score's log-odds (positive raises the score)" }) contribution!: number;
}

/** One model's score with the version that produced it and why. */
@ObjectType()
export class PredictionExplanation {
  @Field({ description: "PURCHASE_PROPENSITY or CHURN_RISK" }) kind!: string;
  @Field(() => Float) score!: number;
  @Field(() => ID) modelVersionId!: string;
  @Field(() => Int) modelVersion!: number;
  @Field({ description: "gbdt, logistic or blend (their log-odds average)" }) algorithm!: string;
  @Field(() => Int) horizonDays!: number;
  @Field(() => [FeatureContributionType], { description: "Top contributing features, strongest first" }) why!: FeatureContributionType[];
}

/** The hour of the week with the highest expected open/click rate. */
@ObjectType()
export class BestSendTimeType {
  @Field(() => Int, { description: "0–167, Monday 00:00 = 0, in the profile's timezone" }) hourOfWeek!: number;
  @Field({ description: "e.g. \"Tue 14:00\" in the profile's timezone" }) localTime!: string;
  @Field({ description: "IANA timezone (traits.timezone, else UTC)" }) timezone!: string;
  @Field(() => Float, { description: "Expected share of the person's activity within ±2 h of this hour (posterior)" }) confidence!: number;
  @Field({ description: "profile (own history, shrunk toward the workspace), workspace (no own history) or none (no data: Tue 10:00)" }) source!: string;
  @Field(() => Int, { description: "The person's opens and clicks used" }) observations!: number;
}

/** What Kindred predicts about a profile; without profiling consent, nothing (and the reason). */
@ObjectType()
export class ProfilePredictions {
  @Field({ description: "False when the profile has not consented to profiling" }) available!: boolean;
  @Field(() => [String], { description: "Why a prediction (or part of one) is missing" }) reasons!: string[];
  @Field(() => Float, { nullable: true, description: "P(purchase within the model's horizon)" }) purchasePropensity!: number | null;
  @Field(() => Float, { nullable: true, description: "P(no purchase within the horizon), for recently active buyers" }) churnRisk!: number | null;
  @Field(() => BestSendTimeType, { nullable: true }) bestSendTime!: BestSendTimeType | null;
  @Field(() => [PredictionExplanation], { description: "Model versions and top features behind each score" }) models!: PredictionExplanation[];
}

/** PSI of one feature between the training snapshot and the recent window. */
@ObjectType()
export class FeatureDrift {
  @Field() feature!: string;
  @Field(() => Float) psi!: number;
}

/** Drift of one active prediction model. */
@ObjectType()
export class ModelHealth {
  @Field() kind!: string;
  @Field(() => ID) modelVersionId!: string;
  @Field(() => Int) modelVersion!: number;
  @Field(() => Float, { nullable: true, description: "Forward-validated ROC-AUC at training" }) rocAuc!: number | null;
  @Field(() => Float, { description: "PSI of the score distribution" }) predictionPsi!: number;
  @Field(() => [FeatureDrift], { description: "PSI per feature, highest first" }) features!: FeatureDrift[];
  @Field(() => Float) threshold!: number;
  @Field({ description: "True when the prediction PSI or any feature PSI exceeds the threshold" }) drifted!: boolean;
  @Field(() => Int, { description: "Profiles in the recent window: the model's population scored as of now" }) windowProfiles!: number;
  @Field() checkedAt!: Date;
}

/** A drift alert, as the subscription delivers it. */
@ObjectType()
export class ModelDriftAlert {
  @Field() kind!: string;
  @Field(() => ID) modelVersionId!: string;
  @Field(() => Float) predictionPsi!: number;
  @Field(() => Float) maxFeaturePsi!: number;
  @Field(() => [String], { description: "Features over the threshold" }) driftedFeatures!: string[];
  @Field(() => Float) threshold!: number;
}

@InputType()
export class CheckModelDriftInput {
  @Field({ description: "PURCHASE_PROPENSITY or CHURN_RISK" }) kind!: string;
  @Field(() => Boolean, { nullable: true, description: "On drift, retrain and activate the new version only if it evaluates at least as well" }) retrain?: boolean | null;
}

@ObjectType()
export class CheckModelDriftPayload {
  @Field(() => ID, { description: "The drift-check job; follow it with jobUpdated" }) jobId!: string;
}

@ObjectType()
export class ScorePredictionsPayload {
  @Field(() => ID, { description: "The batch-scoring job (writes computed traits purchase_propensity and churn_risk)" }) jobId!: string;
}
