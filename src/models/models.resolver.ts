import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../common/context";
import { ConnectionType, PageArgs, decodeCursor, toConnection, type Connection } from "../common/pagination";
import { assertUuid } from "../common/validation";
import { Can } from "../workspaces/role";
import { ModelStatus, ModelVersion } from "./model-version.entity";
import type { ModelRegistry } from "./model-registry";
import { ActivateModelInput, ModelPayload, RollbackModelInput, TrainModelInput, TrainModelPayload, UploadModelInput } from "./models.inputs";
import type { TrainerCatalog } from "./trainers";
import type { TrainJobParams } from "./train-job";

const ModelVersionConnection = ConnectionType(ModelVersion);

@Resolver()
export class ModelsResolver {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly trainers: TrainerCatalog,
    private readonly enqueue: (workspaceId: string, params: TrainJobParams) => Promise<string>,
  ) {}

  @Authorized(...Can.read)
  @Query(() => ModelVersionConnection, { description: "Model versions of this workspace, newest first" })
  async models(
    @Args() { first, after }: PageArgs,
    @Arg("kind", () => String, { nullable: true }) kind: string | null,
    @Arg("status", () => ModelStatus, { nullable: true }) status: ModelStatus | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Connection<ModelVersion>> {
    const query = ctx.scope.query(ModelVersion, "m").orderBy("m.created_at", "DESC").addOrderBy("m.id", "DESC").take(first + 1);
    if (kind) query.andWhere("m.kind = :kind", { kind });
    if (status) query.andWhere("m.status = :status", { status });
    if (after) {
      const [createdAt, id] = decodeCursor(after, 2);
      query.andWhere("(m.created_at, m.id) < (:createdAt, :id)", { createdAt, id });
    }
    const rows = await query.getMany();
    return toConnection(rows, first, (m) => [m.createdAt.toISOString(), m.id], Boolean(after));
  }

  @Authorized(...Can.read)
  @Query(() => ModelVersion, { description: "One model version" })
  async model(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<ModelVersion> {
    assertUuid(id, "id");
    return ctx.scope.get(ModelVersion, { id }, "Model version", id);
  }

  @Authorized(...Can.edit)
  @Mutation(() => ModelPayload, { description: "Makes a version the active one of its kind (its session is loaded and probed first)" })
  async activateModel(@Arg("input") input: ActivateModelInput, @Ctx() ctx: RequestContext): Promise<ModelPayload> {
    assertUuid(input.id, "input.id");
    return { model: await this.registry.activate(ctx.scope.workspaceId, input.id, ctx.auth!.apiKeyId) };
  }

  @Authorized(...Can.edit)
  @Mutation(() => ModelPayload, { description: "Re-activates the version the active one replaced" })
  async rollbackModel(@Arg("input") input: RollbackModelInput, @Ctx() ctx: RequestContext): Promise<ModelPayload> {
    return { model: await this.registry.rollback(ctx.scope.workspaceId, input.kind, ctx.auth!.apiKeyId) };
  }

  @Authorized(...Can.edit)
  @Mutation(() => ModelPayload, { description: "Bring your own ONNX model: validated by loading it and running a probe input; nothing is stored or activated on failure" })
  async uploadModel(@Arg("input") input: UploadModelInput, @Ctx() ctx: RequestContext): Promise<ModelPayload> {
    const ws = ctx.scope.workspaceId;
    const staged = await this.registry.upload(ws, { ...input, params: input.params ?? {}, metrics: input.metrics ?? {} });
    return { model: input.activate ? await this.registry.activate(ws, staged.id, ctx.auth!.apiKeyId) : staged };
  }

  @Authorized(...Can.edit)
  @Mutation(() => TrainModelPayload, { description: "Trains a new staged version in the background" })
  async trainModel(@Arg("input") input: TrainModelInput, @Ctx() ctx: RequestContext): Promise<TrainModelPayload> {
    const params = input.params ?? {};
    this.trainers.resolve(input.kind, params);
    const jobId = await this.enqueue(ctx.scope.workspaceId, { kind: input.kind, params, activate: input.activate, by: ctx.auth!.apiKeyId });
    return { jobId };
  }
}
