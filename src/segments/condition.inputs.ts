import { Field, ID, InputType, Int } from "type-graphql";
import { GraphQLJSON } from "graphql-scalars";
import {
  ComparisonOp,
  ConsentState,
  CountOp,
  ItemField,
  TraitSource,
  type Condition,
  type ConsentCondition,
  type EventCondition,
  type ItemFilter,
  type PropertyFilter,
  type SegmentRef,
  type TraitCondition,
  type Window,
} from "./condition.types";

@InputType({ description: "A profile or computed trait compared with a value" })
export class TraitConditionInput implements TraitCondition {
  @Field() name!: string;
  @Field(() => TraitSource, { defaultValue: TraitSource.TRAITS }) source?: TraitSource;
  @Field(() => ComparisonOp) op!: ComparisonOp;
  @Field(() => GraphQLJSON, { nullable: true }) value?: unknown;
  @Field(() => [GraphQLJSON], { nullable: true }) values?: unknown[] | null;
}

@InputType({ description: "A filter on an event property (type taken from the value)" })
export class PropertyFilterInput implements PropertyFilter {
  @Field() property!: string;
  @Field(() => ComparisonOp) op!: ComparisonOp;
  @Field(() => GraphQLJSON, { nullable: true }) value?: unknown;
  @Field(() => [GraphQLJSON], { nullable: true }) values?: unknown[] | null;
}

@InputType({ description: "A filter on the catalog items of an event: at least one item must match all filters" })
export class ItemFilterInput implements ItemFilter {
  @Field(() => ItemField) field!: ItemField;
  @Field(() => ComparisonOp) op!: ComparisonOp;
  @Field(() => GraphQLJSON, { nullable: true }) value?: unknown;
  @Field(() => [GraphQLJSON], { nullable: true }) values?: unknown[] | null;
}

@InputType({ description: "The last `days` plus `hours`" })
export class WindowInput implements Window {
  @Field(() => Int, { nullable: true }) days?: number | null;
  @Field(() => Int, { nullable: true }) hours?: number | null;
}

@InputType({ description: "At least / at most / exactly `times` events of `type` (with filters) within a window; `didNot` means none" })
export class EventConditionInput implements EventCondition {
  @Field() type!: string;
  @Field(() => CountOp, { defaultValue: CountOp.AT_LEAST }) count?: CountOp;
  @Field(() => Int, { defaultValue: 1 }) times?: number;
  @Field(() => Boolean, { nullable: true }) didNot?: boolean | null;
  @Field(() => WindowInput, { nullable: true }) within?: WindowInput | null;
  @Field(() => [PropertyFilterInput], { nullable: true }) where?: PropertyFilterInput[] | null;
  @Field(() => [ItemFilterInput], { nullable: true }) items?: ItemFilterInput[] | null;
}

@InputType({ description: "Consent status of the profile for a purpose" })
export class ConsentConditionInput implements ConsentCondition {
  @Field() purpose!: string;
  @Field(() => ConsentState) status!: ConsentState;
}

@InputType({ description: "Membership of another segment" })
export class SegmentRefInput implements SegmentRef {
  @Field(() => ID) id!: string;
}

@InputType({ description: "One node of a segment rule: set exactly one field" })
export class SegmentConditionInput implements Condition {
  @Field(() => [SegmentConditionInput], { nullable: true }) and?: SegmentConditionInput[] | null;
  @Field(() => [SegmentConditionInput], { nullable: true }) or?: SegmentConditionInput[] | null;
  @Field(() => SegmentConditionInput, { nullable: true }) not?: SegmentConditionInput | null;
  @Field(() => TraitConditionInput, { nullable: true }) trait?: TraitConditionInput | null;
  @Field(() => ConsentConditionInput, { nullable: true }) consent?: ConsentConditionInput | null;
  @Field(() => EventConditionInput, { nullable: true }) event?: EventConditionInput | null;
  @Field(() => SegmentRefInput, { nullable: true }) segment?: SegmentRefInput | null;
}
