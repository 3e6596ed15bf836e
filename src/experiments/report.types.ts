import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { Campaign } from "./campaign.entity";
import { ExperimentMetric, ExperimentStatus } from "./experiment.entity";
import type { ReportScope } from "./report.sql";

/** One metric of an arm against a baseline arm (control or holdout). */
@ObjectType()
export class LiftStat {
  @Field(() => ExperimentMetric) metric!: ExperimentMetric;
  @Field({ description: "The arm compared against" }) baselineKey!: string;
  @Field(() => Float) baselineValue!: number;
  @Field(() => Float) value!: number;
  @Field(() => Float, { description: "Absolute lift: value − baseline" }) difference!: number;
  @Field(() => Float) differenceLow!: number;
  @Field(() => Float) differenceHigh!: number;
  @Field(() => Float, { nullable: true, description: "Relative lift: value / baseline − 1" }) relativeLift!: number | null;
  @Field(() => Float, { nullable: true }) relativeLiftLow!: number | null;
  @Field(() => Float, { nullable: true }) relativeLiftHigh!: number | null;
  @Field(() => Float, { description: "Fixed-horizon two-sided p-value (z-test for rates, Welch t-test for revenue)" }) pValue!: number;
  @Field(() => Float, { description: "Holm-adjusted over the arms compared with the same baseline" }) adjustedPValue!: number;
  @Field(() => Float, { nullable: true, description: "Always-valid mSPRT p-value (Holm-adjusted) for sequential experiments" }) sequentialPValue!: number | null;
  @Field(() => Float, { nullable: true, description: "Bayesian probability that this arm beats the baseline (rates)" }) chanceToBeat!: number | null;
  @Field() significant!: boolean;
}

/** Outcomes of one arm. */
@ObjectType()
export class ArmReport {
  @Field() key!: string;
  @Field() control!: boolean;
  @Field() holdout!: boolean;
  @Field(() => Int) sends!: number;
  @Field(() => Int, { description: "Recipients with a human open (or a click)" }) opens!: number;
  @Field(() => Int, { description: "Recipients whose only opens were machine (prefetch) opens" }) machineOpens!: number;
  @Field(() => Float) openRate!: number;
  @Field(() => Int) clicks!: number;
  @Field(() => Float) clickRate!: number;
  @Field(() => Float) clickToOpenRate!: number;
  @Field(() => Int) conversions!: number;
  @Field(() => Float) conversionRate!: number;
  @Field(() => Float) revenue!: number;
  @Field(() => Float) revenuePerRecipient!: number;
  @Field(() => [LiftStat]) vsControl!: LiftStat[];
  @Field(() => [LiftStat]) vsHoldout!: LiftStat[];
}

/** Sample-ratio-mismatch check: chi-square goodness of fit of arm sizes to the plan. */
@ObjectType()
export class SrmCheck {
  @Field(() => [String]) keys!: string[];
  @Field(() => [Int]) observed!: number[];
  @Field(() => [Float]) expected!: number[];
  @Field(() => Float) statistic!: number;
  @Field(() => Float) pValue!: number;
  @Field({ description: "True when p < 0.001: the split is broken and results untrustworthy" }) alarm!: boolean;
}

/** Arms within one segment (membership at send time). */
@ObjectType()
export class SegmentBreakdown {
  @Field(() => ID) segmentId!: string;
  @Field(() => String, { nullable: true }) segmentKey!: string | null;
  @Field(() => String, { nullable: true }) segmentName!: string | null;
  @Field(() => [ArmReport]) arms!: ArmReport[];
  @Field() verdict!: string;
}

/** Where a report's rows come from (not exposed): used to compute its segment breakdown lazily. */
export interface ReportSource {
  scope: ReportScope;
  id: string;
  experimentId: string | null;
  segmentIds: string[] | null;
}

/** Results of an experiment (over all its campaigns, or within one campaign). */
@ObjectType()
export class ExperimentResults {
  @Field(() => ID, { nullable: true, description: "Null for recipients not in any experiment" }) experimentId!: string | null;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => ExperimentStatus, { nullable: true }) status!: ExperimentStatus | null;
  @Field(() => ExperimentMetric) primaryMetric!: ExperimentMetric;
  @Field() sequential!: boolean;
  @Field(() => Float) alpha!: number;
  @Field(() => [ArmReport]) arms!: ArmReport[];
  @Field(() => SrmCheck, { nullable: true }) srm!: SrmCheck | null;
  @Field({ description: "What the numbers say, in plain words" }) verdict!: string;
  @Field() computedAt!: Date;
  source!: ReportSource;
}

/** A campaign's outcomes: totals and, per experiment it ran, the arms and their statistics. */
@ObjectType()
export class CampaignReport {
  @Field(() => Campaign) campaign!: Campaign;
  @Field(() => ArmReport, { description: "All recipients together (key \"total\")" }) totals!: ArmReport;
  @Field(() => [ExperimentResults]) experiments!: ExperimentResults[];
  @Field() verdict!: string;
  @Field() computedAt!: Date;
}

/** Thompson-sampling allocation of the next sends (e.g. for subject lines). */
@ObjectType()
export class BanditArm {
  @Field() key!: string;
  @Field(() => Int) sends!: number;
  @Field(() => Int) successes!: number;
  @Field(() => Float, { description: "Posterior probability that this arm has the highest rate" }) chanceToBeBest!: number;
  @Field(() => Float, { description: "Suggested share of the next sends (chance to be best, floored so every arm keeps exploring)" }) share!: number;
}
