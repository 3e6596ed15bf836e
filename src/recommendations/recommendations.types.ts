import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import type { Diversity, RecFilter } from "./serving/types";

export enum RecommendationStrategy {
  AUTO = "AUTO",
  ALS = "ALS",
  EASE = "EASE",
  ITEM_KNN = "ITEM_KNN",
  CONTENT = "CONTENT",
  POPULAR = "POPULAR",
}
registerEnumType(RecommendationStrategy, {
  name: "RecommendationStrategy",
  description: "AUTO: hybrid of collaborative, content, the person's repeat purchases and popularity, falling back collaborative → content → popular",
});

@InputType({ description: "Which items may be recommended" })
export class RecommendationFilter implements RecFilter {
  @Field(() => [String], { nullable: true, description: "Only these categories (leaf or any level of the path)" }) categoriesIn?: string[] | null;
  @Field(() => [String], { nullable: true }) categoriesOut?: string[] | null;
  @Field(() => [String], { nullable: true }) brandsIn?: string[] | null;
  @Field(() => Float, { nullable: true }) priceMin?: number | null;
  @Field(() => Float, { nullable: true }) priceMax?: number | null;
  @Field(() => Boolean, { nullable: true, description: "Only available items (default true)" }) inStockOnly?: boolean | null;
  @Field(() => Boolean, { nullable: true }) excludePurchased?: boolean | null;
  @Field(() => Int, { nullable: true }) excludeViewedWithinDays?: number | null;
  @Field(() => Int, { nullable: true, description: "Leave out items sent to this person (email_sent / recommendations_sent events) within these days" }) excludeSentWithinDays?: number | null;
  @Field(() => Boolean, { nullable: true, description: "Leave out everything the person interacted with (default: true, except AUTO)" }) excludeInteracted?: boolean | null;
  @Field(() => [String], { nullable: true }) excludeItemIds?: string[] | null;
}

@InputType()
export class DiversityInput implements Diversity {
  @Field(() => Int, { nullable: true, description: "At most this many items per category" }) maxPerCategory?: number | null;
  @Field(() => Float, { nullable: true, description: "MMR λ in (0, 1]; lower = more diverse categories" }) mmrLambda?: number | null;
}

@InputType()
export class RecommendationContext {
  @Field(() => String, { nullable: true, description: "The item the person is looking at now" }) itemId?: string | null;
}

/** One recommended item with its score, reason and what produced it. */
@ObjectType()
export class RecommendedItem {
  @Field() itemId!: string;
  @Field(() => Float) score!: number;
  @Field({ description: "Why, in words: \"because you viewed …\", \"popular in …\"" }) reason!: string;
  @Field({ description: "ALS, EASE, ITEM_KNN, BOUGHT_TOGETHER, CONTENT, POPULAR or HISTORY (the person's own repeat purchases)" }) strategy!: string;
  @Field(() => ID, { nullable: true }) modelVersionId!: string | null;
  @Field(() => String, { nullable: true, description: "e.g. \"ALS v3\"" }) modelVersion!: string | null;
}

/** The answer to a recommendations request. */
@ObjectType()
export class Recommendations {
  @Field(() => ID, { nullable: true }) profileId!: string | null;
  @Field({ description: "The strategy that answered, after the fallback chain" }) strategy!: string;
  @Field({ description: "False when the answer is non-personal (no consent, or cold start)" }) personalized!: boolean;
  @Field(() => String, { nullable: true, description: "Why the answer is not what was asked (no consent, fallback)" }) note!: string | null;
  @Field(() => ID, { nullable: true }) modelVersionId!: string | null;
  @Field(() => String, { nullable: true }) modelVersion!: string | null;
  @Field(() => [RecommendedItem]) items!: RecommendedItem[];
}
