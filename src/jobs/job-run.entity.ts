import { Field, Float, ID, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLJSON } from "graphql-scalars";
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from "typeorm";

export enum JobStatus {
  QUEUED = "queued",
  RUNNING = "running",
  SUCCEEDED = "succeeded",
  FAILED = "failed",
  CANCELLED = "cancelled",
}
registerEnumType(JobStatus, { name: "JobStatus" });

/** One run of a background job: status, progress and outcome, visible through GraphQL. */
@ObjectType()
@Entity("job_runs")
@Index(["workspaceId", "createdAt"])
export class JobRun {
  @Field(() => ID)
  @PrimaryColumn("uuid")
  id!: string;

  @Column({ type: "uuid", nullable: true })
  workspaceId!: string | null;

  @Field()
  @Column({ type: "text" })
  kind!: string;

  @Field(() => JobStatus)
  @Column({ type: "text" })
  status!: JobStatus;

  @Field(() => Float, { description: "0 to 1" })
  @Column({ type: "real", default: 0 })
  progress!: number;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  message!: string | null;

  @Field(() => GraphQLJSON)
  @Column({ type: "jsonb", default: {} })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  params!: Record<string, any>;

  @Field(() => GraphQLJSON, { nullable: true })
  @Column({ type: "jsonb", nullable: true })
  result!: unknown;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  error!: string | null;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  finishedAt!: Date | null;

  @Column({ type: "timestamptz", nullable: true })
  cancelRequestedAt!: Date | null;
}
