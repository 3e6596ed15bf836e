import { Field, ID, InputType, Int, Float } from "type-graphql";
import { SegmentConditionInput } from "./condition.inputs";

@InputType()
export class CreateSegmentInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true, description: "Stable handle; derived from the name when absent" }) key?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => SegmentConditionInput) condition!: SegmentConditionInput;
}

@InputType()
export class UpdateSegmentInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => SegmentConditionInput, { nullable: true, description: "A new rule creates a new version" }) condition?: SegmentConditionInput | null;
}

@InputType()
export class SegmentIdInput {
  @Field(() => ID) id!: string;
}

@InputType({ description: "A numeric profile feature: a trait or computed trait, or a built-in behavioural one" })
export class FeatureInput {
  @Field({ description: "Trait name, or for source BEHAVIOUR one of frequency, monetary, recency_days, events_30d, category:<name>" }) name!: string;
  @Field(() => String, { defaultValue: "COMPUTED", description: "TRAITS, COMPUTED or BEHAVIOUR" }) source?: string;
}

@InputType()
export class CreateClusterSegmentsInput {
  @Field(() => [FeatureInput]) features!: FeatureInput[];
  @Field(() => Int, { nullable: true, description: "Exactly k clusters" }) k?: number | null;
  @Field(() => Int, { nullable: true, description: "Smallest k to try (k chosen by silhouette)" }) kMin?: number | null;
  @Field(() => Int, { nullable: true, description: "Largest k to try" }) kMax?: number | null;
  @Field(() => String, { nullable: true, description: "Prefix of the created segments' names" }) namePrefix?: string | null;
}

@InputType()
export class CreateLookalikeSegmentInput {
  @Field(() => ID) seedSegmentId!: string;
  @Field(() => [FeatureInput], { nullable: true, description: "Defaults to RFM and engagement behaviour" }) features?: FeatureInput[] | null;
  @Field(() => Int, { nullable: true, description: "Take the top `size` scorers outside the seed" }) size?: number | null;
  @Field(() => Float, { nullable: true, description: "Or every profile scoring at least this (0–1)" }) threshold?: number | null;
  @Field(() => String, { nullable: true }) name?: string | null;
}
