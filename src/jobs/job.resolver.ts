import { Arg, Args, Authorized, Ctx, Field, Float, ID, InputType, Mutation, ObjectType, Query, Resolver, Root, Subscription } from "type-graphql";
import type { RequestContext } from "../common/context";
import type { Payload } from "../common/bus";
import { ConnectionType, PageArgs, decodeCursor, toConnection, type Connection } from "../common/pagination";
import { assertUuid } from "../common/validation";
import { Can } from "../workspaces/role";
import { JobRun, JobStatus } from "./job-run.entity";
import type { PgJobQueue } from "./job-queue";

const JobRunConnection = ConnectionType(JobRun);

@InputType()
class CancelJobInput {
  @Field(() => ID) id!: string;
}

@ObjectType()
class CancelJobPayload {
  @Field(() => JobRun) job!: JobRun;
}

/** A live update of a job's status and progress. */
@ObjectType()
class JobUpdate {
  @Field(() => ID) jobId!: string;
  @Field(() => JobStatus) status!: JobStatus;
  @Field(() => Float) progress!: number;
  @Field(() => String, { nullable: true }) message!: string | null;
}

@Resolver()
export class JobResolver {
  constructor(private readonly queue: PgJobQueue) {}

  @Authorized(...Can.read)
  @Query(() => JobRun, { description: "A background job of this workspace" })
  async job(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<JobRun> {
    assertUuid(id, "id");
    return ctx.scope.get(JobRun, { id }, "Job", id);
  }

  @Authorized(...Can.read)
  @Query(() => JobRunConnection, { description: "Background jobs of this workspace, newest first" })
  async jobs(
    @Args() { first, after }: PageArgs,
    @Arg("kind", () => String, { nullable: true }) kind: string | null,
    @Arg("status", () => JobStatus, { nullable: true }) status: JobStatus | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Connection<JobRun>> {
    const query = ctx.scope.query(JobRun, "j").orderBy("j.created_at", "DESC").addOrderBy("j.id", "DESC").take(first + 1);
    if (kind) query.andWhere("j.kind = :kind", { kind });
    if (status) query.andWhere("j.status = :status", { status });
    if (after) {
      const [createdAt, id] = decodeCursor(after, 2);
      query.andWhere("(j.created_at, j.id) < (:createdAt, :id)", { createdAt, id });
    }
    const rows = await query.getMany();
    return toConnection(rows, first, (j) => [j.createdAt.toISOString(), j.id], Boolean(after));
  }

  @Authorized(...Can.edit)
  @Mutation(() => CancelJobPayload, { description: "Cancels a queued or running job; a running job stops at its next checkpoint" })
  async cancelJob(@Arg("input") input: CancelJobInput, @Ctx() ctx: RequestContext): Promise<CancelJobPayload> {
    assertUuid(input.id, "input.id");
    await this.queue.cancel(input.id, ctx.scope.workspaceId);
    return { job: await ctx.scope.get(JobRun, { id: input.id }, "Job", input.id) };
  }

  @Authorized(...Can.read)
  @Subscription(() => JobUpdate, {
    topics: "job.updated",
    filter: ({ payload, args, context }: { payload: Payload<"job.updated">; args: { jobId: string }; context: RequestContext }) =>
      payload.jobId === args.jobId && payload.workspaceId === context.auth?.workspaceId,
    description: "Status and progress of one job as it runs",
  })
  jobUpdated(@Root() payload: Payload<"job.updated">, @Arg("jobId", () => ID) _jobId: string): JobUpdate {
    return { jobId: payload.jobId, status: payload.status as JobStatus, progress: payload.progress, message: payload.message };
  }
}
