import { Arg, Args, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import type { RequestContext } from "../common/context";
import { NotFoundError, UserInputError } from "../common/errors";
import { PageArgs, decodeCursor, toConnection, type Connection } from "../common/pagination";
import { assertUuid } from "../common/validation";
import { Can } from "../workspaces/role";
import { ContentBlock, ContentBlockVersion } from "./content-block.entity";
import { pageAudience } from "./audience";
import type { ServiceLookup } from "./adapters/ports";
import type { RenderService } from "./render.service";
import type { RequestRenderContext } from "./render-scope";
import { SaveContentBlockInput, SaveTemplateInput } from "./rendering.inputs";
import { ContentBlockConnection, RenderBatch, RenderedEmail, SaveContentBlockPayload, SaveTemplatePayload, TemplateConnection } from "./rendering.types";
import { Template, TemplateVersion } from "./template.entity";
import type { TemplateService } from "./template.service";

const MAX_BATCH = 500;

function checkCampaign(campaignId: string | null | undefined): void {
  if (campaignId !== null && campaignId !== undefined && !/^[\w.:-]{1,200}$/.test(campaignId)) throw UserInputError.single("campaignId", "must be 1–200 characters of letters, digits, _ . : -");
}

@Resolver()
export class RenderingResolver {
  constructor(
    private readonly templateService: TemplateService,
    private readonly renderer: RenderService,
    private readonly lookup: ServiceLookup,
  ) {}

  @Authorized(...Can.edit)
  @Mutation(() => SaveTemplatePayload, { description: "Validates (MJML strictly, Liquid, variables) and saves a new template version; nothing invalid is stored" })
  async saveTemplate(@Arg("input") input: SaveTemplateInput, @Ctx() ctx: RequestContext): Promise<SaveTemplatePayload> {
    return this.templateService.saveTemplate(ctx.scope, input);
  }

  @Authorized(...Can.edit)
  @Mutation(() => SaveContentBlockPayload, { description: "Saves a new version of a reusable content block" })
  async saveContentBlock(@Arg("input") input: SaveContentBlockInput, @Ctx() ctx: RequestContext): Promise<SaveContentBlockPayload> {
    return this.templateService.saveContentBlock(ctx.scope, input);
  }

  @Authorized(...Can.render)
  @Query(() => Template, { description: "A template of this workspace" })
  async template(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Template> {
    assertUuid(id, "id");
    return ctx.scope.get(Template, { id }, "Template", id);
  }

  @Authorized(...Can.render)
  @Query(() => TemplateVersion, { description: "One version of a template (the latest when `version` is absent)" })
  async templateVersion(@Arg("templateId", () => ID) templateId: string, @Arg("version", () => Int, { nullable: true }) version: number | null, @Ctx() ctx: RequestContext): Promise<TemplateVersion> {
    assertUuid(templateId, "templateId");
    const template = await ctx.scope.get(Template, { id: templateId }, "Template", templateId);
    const wanted = version ?? template.latestVersion;
    const row = await ctx.scope.findOne(TemplateVersion, { templateId, version: wanted });
    if (!row) throw new NotFoundError("Template version", `${templateId}@${wanted}`);
    return row;
  }

  @Authorized(...Can.render)
  @Query(() => TemplateConnection, { description: "Templates of this workspace by name" })
  async templates(@Args() { first, after }: PageArgs, @Ctx() ctx: RequestContext): Promise<Connection<Template>> {
    const query = ctx.scope.query(Template, "t").orderBy("t.name", "ASC").take(first + 1);
    if (after) query.andWhere("t.name > :name", { name: decodeCursor(after, 1)[0] });
    return toConnection(await query.getMany(), first, (t) => [t.name], Boolean(after));
  }

  @Authorized(...Can.render)
  @Query(() => ContentBlockConnection, { description: "Content blocks of this workspace by name" })
  async contentBlocks(@Args() { first, after }: PageArgs, @Ctx() ctx: RequestContext): Promise<Connection<ContentBlock>> {
    const query = ctx.scope.query(ContentBlock, "b").orderBy("b.name", "ASC").take(first + 1);
    if (after) query.andWhere("b.name > :name", { name: decodeCursor(after, 1)[0] });
    return toConnection(await query.getMany(), first, (b) => [b.name], Boolean(after));
  }

  @Authorized(...Can.render)
  @Query(() => ContentBlockVersion, { description: "A content block's body at a version (the latest when absent)" })
  async contentBlockVersion(@Arg("name") name: string, @Arg("version", () => Int, { nullable: true }) version: number | null, @Ctx() ctx: RequestContext): Promise<ContentBlockVersion> {
    const block = await ctx.scope.get(ContentBlock, { name }, "Content block", name);
    const row = await ctx.scope.findOne(ContentBlockVersion, { blockId: block.id, version: version ?? block.latestVersion });
    if (!row) throw new NotFoundError("Content block version", `${name}@${version}`);
    return row;
  }

  @Authorized(...Can.render)
  @Query(() => RenderedEmail, { description: "Renders a template for one profile: subject, preheader, HTML, text and what personalized it" })
  async render(
    @Arg("templateId", () => ID) templateId: string,
    @Arg("profileId", () => ID) profileId: string,
    @Arg("context", () => GraphQLJSONObject, { nullable: true }) context: RequestRenderContext | null,
    @Arg("campaignId", () => String, { nullable: true }) campaignId: string | null,
    @Arg("locale", () => String, { nullable: true }) locale: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RenderedEmail> {
    assertUuid(templateId, "templateId");
    assertUuid(profileId, "profileId");
    checkCampaign(campaignId);
    const compiled = await this.templateService.compiled(ctx.scope.workspaceId, templateId);
    const { rendered, problems } = await this.renderer.renderMany(ctx.scope.workspaceId, compiled, [profileId], { campaignId, locale, context, encoding: "json" });
    if (!rendered[0]) {
      if (problems[0]?.message === "profile not found") throw new NotFoundError("Profile", profileId);
      throw UserInputError.single("templateId", problems[0]?.message ?? "render failed");
    }
    return rendered[0];
  }

  @Authorized(...Can.render)
  @Query(() => RenderBatch, { description: "Renders one page of an audience (profile ids or a segment) in a few set-based loads" })
  async renderBatch(
    @Arg("templateId", () => ID) templateId: string,
    @Arg("profileIds", () => [ID], { nullable: true }) profileIds: string[] | null,
    @Arg("segmentId", () => ID, { nullable: true }) segmentId: string | null,
    @Arg("first", () => Int, { defaultValue: 100, description: "Page size, 1 to 500" }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("campaignId", () => String, { nullable: true }) campaignId: string | null,
    @Arg("context", () => GraphQLJSONObject, { nullable: true }) context: RequestRenderContext | null,
    @Arg("locale", () => String, { nullable: true }) locale: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RenderBatch> {
    assertUuid(templateId, "templateId");
    if (!Number.isInteger(first) || first < 1 || first > MAX_BATCH) throw UserInputError.single("first", `must be from 1 to ${MAX_BATCH}`);
    checkCampaign(campaignId);
    const page = await pageAudience(this.lookup, ctx.scope.workspaceId, { profileIds, segmentId }, first, after);
    const compiled = await this.templateService.compiled(ctx.scope.workspaceId, templateId);
    const { rendered, problems } = await this.renderer.renderMany(ctx.scope.workspaceId, compiled, page.ids, { campaignId, locale, context, encoding: "json" });
    return { emails: rendered, problems, pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: Boolean(after), startCursor: null, endCursor: page.endCursor } };
  }
}
