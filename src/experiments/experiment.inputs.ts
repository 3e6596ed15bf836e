import { Field, Float, ID, InputType, Int } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { ExperimentKind, ExperimentMetric } from "./experiment.entity";

@InputType({ description: "One arm: what it overrides in the render" })
export class VariantInput {
  @Field() key!: string;
  @Field(() => Float, { defaultValue: 1 }) weight!: number;
  @Field({ defaultValue: false, description: "Exactly one arm is the control (the first when none is marked)" }) control!: boolean;
  @Field(() => String, { nullable: true }) subject?: string | null;
  @Field(() => GraphQLJSONObject, { nullable: true, description: "Block slot → content" }) blocks?: Record<string, unknown> | null;
  @Field(() => String, { nullable: true }) templateVersionId?: string | null;
}

@InputType()
export class FactorLevelInput {
  @Field() key!: string;
  @Field(() => String, { nullable: true }) content?: string | null;
  @Field(() => String, { nullable: true }) templateVersionId?: string | null;
}

@InputType({ description: "One slot of a multivariate test; its first level is the control" })
export class FactorInput {
  @Field() slot!: string;
  @Field(() => [FactorLevelInput]) levels!: FactorLevelInput[];
}

@InputType()
export class CreateExperimentInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => ExperimentKind) kind!: ExperimentKind;
  @Field(() => ID) templateId!: string;
  @Field(() => ID, { nullable: true, description: "Restrict to one campaign (its id or key)" }) campaignId?: string | null;
  @Field(() => [VariantInput], { nullable: true, description: "Arms (not for MULTIVARIATE)" }) variants?: VariantInput[] | null;
  @Field(() => [FactorInput], { nullable: true, description: "Slots (MULTIVARIATE only)" }) factors?: FactorInput[] | null;
  @Field(() => Float, { nullable: true }) holdoutShare?: number | null;
  @Field(() => ExperimentMetric, { nullable: true }) primaryMetric?: ExperimentMetric | null;
  @Field(() => Boolean, { nullable: true }) sequential?: boolean | null;
  @Field(() => Float, { nullable: true }) alpha?: number | null;
}

@InputType({ description: "Changes to an experiment; while running only name and description may change" })
export class UpdateExperimentInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true, description: "Expected version (optimistic concurrency)" }) version?: number | null;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => ID, { nullable: true }) templateId?: string | null;
  @Field(() => ID, { nullable: true }) campaignId?: string | null;
  @Field(() => [VariantInput], { nullable: true }) variants?: VariantInput[] | null;
  @Field(() => [FactorInput], { nullable: true }) factors?: FactorInput[] | null;
  @Field(() => Float, { nullable: true }) holdoutShare?: number | null;
  @Field(() => ExperimentMetric, { nullable: true }) primaryMetric?: ExperimentMetric | null;
  @Field(() => Boolean, { nullable: true }) sequential?: boolean | null;
  @Field(() => Float, { nullable: true }) alpha?: number | null;
}

@InputType()
export class ExperimentIdInput {
  @Field(() => ID) id!: string;
}

@InputType()
export class StopExperimentInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: "The arm declared the winner, if any" }) winnerKey?: string | null;
}

@InputType()
export class CreateCampaignInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true, description: "Your name for it, usable as campaignId in render calls and reports" }) key?: string | null;
  @Field(() => ID, { nullable: true }) templateId?: string | null;
  @Field(() => Int, { nullable: true }) attributionWindowHours?: number | null;
  @Field(() => Int, { nullable: true }) machineOpenSeconds?: number | null;
  @Field(() => Boolean, { nullable: true }) includeMachineOpens?: boolean | null;
}

@InputType()
export class UpdateCampaignInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => Int, { nullable: true }) attributionWindowHours?: number | null;
  @Field(() => Int, { nullable: true }) machineOpenSeconds?: number | null;
  @Field(() => Boolean, { nullable: true }) includeMachineOpens?: boolean | null;
}
