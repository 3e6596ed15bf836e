import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../common/context";
import { PageArgs, decodeCursor, toConnection, type Connection } from "../common/pagination";
import { ApiKey } from "./api-key.entity";
import type { ApiKeyService } from "./api-key.service";
import type { WorkspaceService } from "./workspace.service";
import { Workspace } from "./workspace.entity";
import { Can, type Role } from "./role";
import { ApiKeyConnection, CreateApiKeyInput, CreateApiKeyPayload, RevokeApiKeyInput, RevokeApiKeyPayload, Viewer } from "./workspace.types";
import { assertUuid } from "../common/validation";

@Resolver(() => Viewer)
export class WorkspaceResolver {
  constructor(
    private readonly workspaces: WorkspaceService,
    private readonly keys: ApiKeyService,
  ) {}

  @Authorized(...Can.any)
  @Query(() => Viewer, { description: "Who is calling: workspace, role and API key" })
  viewer(@Ctx() ctx: RequestContext): Viewer {
    const auth = ctx.auth!;
    return { role: auth.role as Role, workspaceId: auth.workspaceId, apiKeyId: auth.apiKeyId };
  }

  @FieldResolver(() => Workspace)
  workspace(@Root() viewer: Viewer): Promise<Workspace> {
    return this.workspaces.get(viewer.workspaceId);
  }

  @FieldResolver(() => ApiKey)
  apiKey(@Root() viewer: Viewer, @Ctx() ctx: RequestContext): Promise<ApiKey> {
    return ctx.scope.get(ApiKey, { id: viewer.apiKeyId }, "ApiKey", viewer.apiKeyId);
  }

  @Authorized(...Can.administer)
  @Query(() => ApiKeyConnection, { description: "API keys of this workspace, newest first" })
  async apiKeys(
    @Args() { first, after }: PageArgs,
    @Arg("includeRevoked", { defaultValue: false }) includeRevoked: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<Connection<ApiKey>> {
    const query = ctx.scope.query(ApiKey, "k").orderBy("k.created_at", "DESC").addOrderBy("k.id", "DESC").take(first + 1);
    if (!includeRevoked) query.andWhere("k.revoked_at IS NULL");
    if (after) {
      const [createdAt, id] = decodeCursor(after, 2);
      query.andWhere("(k.created_at, k.id) < (:createdAt, :id)", { createdAt, id });
    }
    const rows = await query.getMany();
    return toConnection(rows, first, (k) => [k.createdAt.toISOString(), k.id], Boolean(after));
  }

  @Authorized(...Can.administer)
  @Mutation(() => CreateApiKeyPayload, { description: "Creates an API key in this workspace; the secret is returned once" })
  async createApiKey(@Arg("input") input: CreateApiKeyInput, @Ctx() ctx: RequestContext): Promise<CreateApiKeyPayload> {
    return this.keys.create(ctx.scope.workspaceId, input.name, input.role);
  }

  @Authorized(...Can.administer)
  @Mutation(() => RevokeApiKeyPayload, { description: "Revokes an API key at once, on every instance" })
  async revokeApiKey(@Arg("input") input: RevokeApiKeyInput, @Ctx() ctx: RequestContext): Promise<RevokeApiKeyPayload> {
    assertUuid(input.id, "input.id");
    return { apiKey: await this.keys.revoke(ctx.scope.workspaceId, input.id) };
  }
}
