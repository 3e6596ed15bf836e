import { Arg, Args, Authorized, Ctx, Field, Float, ID, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../common/context";
import { UserInputError } from "../common/errors";
import { ConnectionType, PageArgs, decodeCursor, toConnection, type Connection } from "../common/pagination";
import { Can } from "../workspaces/role";
import { Experiment, ExperimentStatus } from "./experiment.entity";
import { CreateExperimentInput, ExperimentIdInput, StopExperimentInput, UpdateExperimentInput } from "./experiment.inputs";
import type { ExperimentService } from "./experiment.service";
import { sampleSizeForRates } from "./stats/checks";

const ExperimentConnection = ConnectionType(Experiment);

@ObjectType()
class ExperimentPayload {
  @Field(() => Experiment) experiment!: Experiment;
}

@ObjectType({ description: "Recipients needed per arm to detect a relative lift on a rate" })
class SampleSizeEstimate {
  @Field(() => Int) perArm!: number;
  @Field(() => Float) baselineRate!: number;
  @Field(() => Float) minimumDetectableLift!: number;
  @Field(() => Float) alpha!: number;
  @Field(() => Float) power!: number;
}

@Resolver()
export class ExperimentResolver {
  constructor(private readonly service: ExperimentService) {}

  @Authorized(...Can.read)
  @Query(() => Experiment, { description: "One experiment of this workspace" })
  experiment(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Experiment> {
    return this.service.get(ctx.scope, id);
  }

  @Authorized(...Can.read)
  @Query(() => ExperimentConnection, { description: "Experiments of this workspace, newest first" })
  async experiments(
    @Args() { first, after }: PageArgs,
    @Arg("status", () => ExperimentStatus, { nullable: true }) status: ExperimentStatus | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Connection<Experiment>> {
    const query = ctx.scope.query(Experiment, "e").orderBy("e.created_at", "DESC").addOrderBy("e.id", "DESC").take(first + 1);
    if (status) query.andWhere("e.status = :status", { status });
    if (after) {
      const [createdAt, id] = decodeCursor(after, 2);
      query.andWhere("(e.created_at, e.id) < (:createdAt, :id)", { createdAt, id });
    }
    return toConnection(await query.getMany(), first, (e) => [e.createdAt.toISOString(), e.id], Boolean(after));
  }

  @Authorized(...Can.read)
  @Query(() => SampleSizeEstimate, { description: "Power analysis: recipients per arm for a two-sided test on a rate" })
  experimentSampleSize(
    @Arg("baselineRate", () => Float) baselineRate: number,
    @Arg("minimumDetectableLift", () => Float, { description: "Relative, e.g. 0.1 for +10%" }) minimumDetectableLift: number,
    @Arg("alpha", () => Float, { defaultValue: 0.05 }) alpha: number,
    @Arg("power", () => Float, { defaultValue: 0.8 }) power: number,
  ): SampleSizeEstimate {
    const problems = [];
    if (!(baselineRate > 0 && baselineRate < 1)) problems.push({ path: "baselineRate", message: "must be between 0 and 1" });
    if (!(minimumDetectableLift !== 0 && baselineRate * (1 + minimumDetectableLift) > 0 && baselineRate * (1 + minimumDetectableLift) < 1))
      problems.push({ path: "minimumDetectableLift", message: "must be non-zero and keep the rate between 0 and 1" });
    if (!(alpha > 0 && alpha < 0.5)) problems.push({ path: "alpha", message: "must be between 0 and 0.5" });
    if (!(power > 0.5 && power < 1)) problems.push({ path: "power", message: "must be between 0.5 and 1" });
    if (problems.length) throw new UserInputError(problems);
    return { perArm: sampleSizeForRates(baselineRate, minimumDetectableLift, alpha, power), baselineRate, minimumDetectableLift, alpha, power };
  }

  @Authorized(...Can.edit)
  @Mutation(() => ExperimentPayload, { description: "Creates a draft experiment" })
  async createExperiment(@Arg("input") input: CreateExperimentInput, @Ctx() ctx: RequestContext): Promise<ExperimentPayload> {
    return { experiment: await this.service.create(ctx.scope, input) };
  }

  @Authorized(...Can.edit)
  @Mutation(() => ExperimentPayload, { description: "Edits an experiment; edits that would bias a running test are refused (CONFLICT)" })
  async updateExperiment(@Arg("input") input: UpdateExperimentInput, @Ctx() ctx: RequestContext): Promise<ExperimentPayload> {
    return { experiment: await this.service.update(ctx.scope, input) };
  }

  @Authorized(...Can.edit)
  @Mutation(() => ExperimentPayload, { description: "Starts a draft experiment: renders of its template get assigned" })
  async startExperiment(@Arg("input") input: ExperimentIdInput, @Ctx() ctx: RequestContext): Promise<ExperimentPayload> {
    return { experiment: await this.service.start(ctx.scope, input.id) };
  }

  @Authorized(...Can.edit)
  @Mutation(() => ExperimentPayload, { description: "Stops a running experiment, optionally naming a winner" })
  async stopExperiment(@Arg("input") input: StopExperimentInput, @Ctx() ctx: RequestContext): Promise<ExperimentPayload> {
    return { experiment: await this.service.stop(ctx.scope, input.id, input.winnerKey) };
  }
}
