import { Arg, Args, Authorized, Ctx, Field, InputType, Int, Mutation, ObjectType, Query, Resolver, registerEnumType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import type { RequestContext } from "../common/context";
import { FieldProblemType } from "./item.types";
import { ConnectionType, PageArgs, decodeCursor, toConnection, type Connection } from "../common/pagination";
import { UserInputError } from "../common/errors";
import { Can } from "../workspaces/role";
import { Item } from "./item.entity";
import type { ItemService } from "./item.service";

enum ItemStatus { UPSERTED = "UPSERTED", REJECTED = "REJECTED" }
registerEnumType(ItemStatus, { name: "ItemStatus" });

@InputType()
class ItemInput {
  @Field() id!: string;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true }) url?: string | null;
  @Field(() => String, { nullable: true }) imageUrl?: string | null;
  @Field(() => [String], { nullable: true, description: "From the root, e.g. [\"Home\", \"Kitchen\"]" }) categoryPath?: string[] | null;
  @Field(() => String, { nullable: true }) brand?: string | null;
  @Field(() => Number, { nullable: true }) price?: number | null;
  @Field(() => String, { nullable: true }) currency?: string | null;
  @Field(() => Boolean, { nullable: true }) available?: boolean | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
  @Field(() => GraphQLJSONObject, { nullable: true }) attributes?: Record<string, unknown> | null;
}

@ObjectType()
class ItemResultType {
  @Field(() => Int) index!: number;
  @Field() id!: string;
  @Field(() => ItemStatus) status!: ItemStatus;
  @Field(() => [FieldProblemType]) reasons!: FieldProblemType[];
}

@ObjectType()
class UpsertItemsPayload {
  @Field(() => [ItemResultType]) results!: ItemResultType[];
  @Field(() => Int) upserted!: number;
  @Field(() => Int) rejected!: number;
}

const ItemConnection = ConnectionType(Item);

@Resolver()
export class ItemResolver {
  constructor(private readonly catalog: ItemService) {}

  @Authorized(...Can.ingest)
  @Mutation(() => UpsertItemsPayload, { description: "Creates or replaces catalog items; a bad item is reported without sinking the others" })
  async upsertItems(@Arg("items", () => [ItemInput]) items: ItemInput[], @Ctx() ctx: RequestContext): Promise<UpsertItemsPayload> {
    if (items.length > 1000) throw UserInputError.single("items", `at most 1000 items per call, got ${items.length}`);
    const results = await this.catalog.upsert(ctx.scope.workspaceId, items);
    const upserted = results.filter((r) => r.status === "UPSERTED").length;
    return { results: results.map((r) => ({ ...r, status: r.status as ItemStatus })), upserted, rejected: results.length - upserted };
  }

  @Authorized(...Can.any)
  @Query(() => Item, { nullable: true, description: "A catalog item by its id" })
  async item(@Arg("id") id: string, @Ctx() ctx: RequestContext): Promise<Item | null> {
    return ctx.loaders.get<string, Item | null>("catalog.item", (ids) => this.catalog.getMany(ctx.scope.workspaceId, ids)).load(id);
  }

  @Authorized(...Can.any)
  @Query(() => ItemConnection, { description: "Catalog items by id" })
  async items(@Args() { first, after }: PageArgs, @Arg("category", () => String, { nullable: true }) category: string | null, @Arg("available", () => Boolean, { nullable: true }) available: boolean | null, @Ctx() ctx: RequestContext): Promise<Connection<Item>> {
    const q = ctx.scope.query(Item, "i").orderBy("i.id", "ASC").take(first + 1);
    if (category) q.andWhere("i.category = :category", { category });
    if (available !== null && available !== undefined) q.andWhere("i.available = :available", { available });
    if (after) q.andWhere("i.id > :after", { after: decodeCursor(after, 1)[0] });
    return toConnection(await q.getMany(), first, (i) => [i.id], Boolean(after));
  }
}
