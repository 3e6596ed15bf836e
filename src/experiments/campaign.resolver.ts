import { Arg, Args, Authorized, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../common/context";
import { ConnectionType, PageArgs, decodeCursor, toConnection, type Connection } from "../common/pagination";
import { Can } from "../workspaces/role";
import { Campaign } from "./campaign.entity";
import { CreateCampaignInput, UpdateCampaignInput } from "./experiment.inputs";
import type { CampaignService } from "./campaign.service";

const CampaignConnection = ConnectionType(Campaign);

@ObjectType()
class CampaignPayload {
  @Field(() => Campaign) campaign!: Campaign;
}

@Resolver()
export class CampaignResolver {
  constructor(private readonly campaignService: CampaignService) {}

  @Authorized(...Can.read)
  @Query(() => Campaign, { description: "One campaign (send) of this workspace" })
  campaign(@Arg("id", () => ID, { description: "Campaign id or key" }) id: string, @Ctx() ctx: RequestContext): Promise<Campaign> {
    return this.campaignService.get(ctx.scope, id);
  }

  @Authorized(...Can.read)
  @Query(() => CampaignConnection, { description: "Campaigns of this workspace, newest first" })
  async campaigns(@Args() { first, after }: PageArgs, @Ctx() ctx: RequestContext): Promise<Connection<Campaign>> {
    const query = ctx.scope.query(Campaign, "c").orderBy("c.created_at", "DESC").addOrderBy("c.id", "DESC").take(first + 1);
    if (after) {
      const [createdAt, id] = decodeCursor(after, 2);
      query.andWhere("(c.created_at, c.id) < (:createdAt, :id)", { createdAt, id });
    }
    return toConnection(await query.getMany(), first, (c) => [c.createdAt.toISOString(), c.id], Boolean(after));
  }

  @Authorized(...Can.edit)
  @Mutation(() => CampaignPayload, { description: "Creates a campaign; pass its id to render calls to group the send" })
  async createCampaign(@Arg("input") input: CreateCampaignInput, @Ctx() ctx: RequestContext): Promise<CampaignPayload> {
    return { campaign: await this.campaignService.create(ctx.scope, input) };
  }

  @Authorized(...Can.edit)
  @Mutation(() => CampaignPayload, { description: "Changes a campaign's name or attribution settings" })
  async updateCampaign(@Arg("input") input: UpdateCampaignInput, @Ctx() ctx: RequestContext): Promise<CampaignPayload> {
    return { campaign: await this.campaignService.update(ctx.scope, input) };
  }
}
