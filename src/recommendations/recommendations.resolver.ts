import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../common/context";
import { Item } from "../catalog/item.entity";
import type { ItemService } from "../catalog/item.service";
import { Role } from "../workspaces/role";
import type { RecommendationService } from "./recommendation.service";
import { DiversityInput, RecommendationContext, RecommendationFilter, RecommendationStrategy, RecommendedItem, Recommendations } from "./recommendations.types";

/** Recommendations are personal data in use: readers and renderers, not ingest keys. */
const CanRecommend = [Role.ADMIN, Role.EDITOR, Role.ANALYST, Role.RENDERER];

@Resolver()
export class RecommendationsResolver {
  constructor(private readonly service: RecommendationService) {}

  @Authorized(...CanRecommend)
  @Query(() => Recommendations, { description: "Items for a person, with score, reason, strategy and model version" })
  async recommendations(
    @Arg("profileId", () => ID) profileId: string,
    @Arg("n", () => Int, { defaultValue: 10 }) n: number,
    @Arg("strategy", () => RecommendationStrategy, { defaultValue: RecommendationStrategy.AUTO }) strategy: RecommendationStrategy,
    @Arg("filter", () => RecommendationFilter, { nullable: true }) filter: RecommendationFilter | null,
    @Arg("diversity", () => DiversityInput, { nullable: true }) diversity: DiversityInput | null,
    @Arg("context", () => RecommendationContext, { nullable: true }) context: RecommendationContext | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Recommendations> {
    return this.service.recommendOne(ctx.scope.workspaceId, { profileId, n, strategy, filter: plain(filter), diversity: plain(diversity), context: plain(context) });
  }

  @Authorized(...CanRecommend)
  @Query(() => Recommendations, { description: "Items similar to an item (people who viewed it also viewed; content similarity as fallback)" })
  similarItems(@Arg("itemId") itemId: string, @Arg("n", () => Int, { defaultValue: 10 }) n: number, @Arg("filter", () => RecommendationFilter, { nullable: true }) filter: RecommendationFilter | null, @Ctx() ctx: RequestContext): Promise<Recommendations> {
    return this.service.relatedItems(ctx.scope.workspaceId, itemId, n, plain(filter), "similar").then((r) => ({ ...r, profileId: null }));
  }

  @Authorized(...CanRecommend)
  @Query(() => Recommendations, { description: "Items often bought in the same purchases as an item" })
  frequentlyBoughtTogether(@Arg("itemId") itemId: string, @Arg("n", () => Int, { defaultValue: 10 }) n: number, @Arg("filter", () => RecommendationFilter, { nullable: true }) filter: RecommendationFilter | null, @Ctx() ctx: RequestContext): Promise<Recommendations> {
    return this.service.relatedItems(ctx.scope.workspaceId, itemId, n, plain(filter), "together").then((r) => ({ ...r, profileId: null }));
  }
}

@Resolver(() => RecommendedItem)
export class RecommendedItemResolver {
  constructor(private readonly catalog: ItemService) {}

  @FieldResolver(() => Item, { nullable: true, description: "The catalog item (batched per request)" })
  item(@Root() rec: RecommendedItem, @Ctx() ctx: RequestContext): Promise<Item | null> {
    return ctx.loaders.get<string, Item | null>("catalog.item", (ids) => this.catalog.getMany(ctx.scope.workspaceId, ids)).load(rec.itemId);
  }
}

// type-graphql hands input class instances; the cache key wants plain JSON.
function plain<T extends object>(value: T | null): T | null {
  return value ? (JSON.parse(JSON.stringify(value)) as T) : null;
}
