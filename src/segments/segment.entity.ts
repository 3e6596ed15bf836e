import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLJSON, GraphQLJSONObject } from "graphql-scalars";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import type { Condition } from "./condition.types";

/** How a segment's members are decided. */
export enum SegmentKind {
  RULE = "RULE",
  CLUSTER = "CLUSTER",
  LOOKALIKE = "LOOKALIKE",
}

export enum SegmentStatus {
  ACTIVE = "ACTIVE",
  ARCHIVED = "ARCHIVED",
}

registerEnumType(SegmentKind, { name: "SegmentKind", description: "RULE: kept current by its condition; CLUSTER/LOOKALIKE: members set by a job" });
registerEnumType(SegmentStatus, { name: "SegmentStatus" });

/** What a rule segment's membership depends on, so a change re-evaluates only the segments it can affect. */
export interface SegmentDependencies {
  traits: string[];
  computed: string[];
  eventTypes: string[];
  consent: boolean;
  items: boolean;
  /** Event types with a time window (seconds): membership changes when an event leaves it. */
  windows: { type: string; seconds: number }[];
  /** Referenced ML segments (their stored members). */
  segments: string[];
}

/** A named group of profiles of a workspace (rule, cluster or lookalike). */
@ObjectType()
@Entity("segments")
@Index(["workspaceId", "key"], { unique: true })
@Index(["workspaceId", "status"])
export class Segment {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Field({ description: "Stable handle for templates (unique in the workspace)" })
  @Column({ type: "text" })
  key!: string;

  @Field()
  @Column({ type: "text" })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  description!: string | null;

  @Field(() => SegmentKind)
  @Column({ type: "text", default: SegmentKind.RULE })
  kind!: SegmentKind;

  @Field(() => SegmentStatus)
  @Column({ type: "text", default: SegmentStatus.ACTIVE })
  status!: SegmentStatus;

  @Field(() => GraphQLJSON, { nullable: true, description: "The rule (same shape as SegmentConditionInput); null for ML segments" })
  @Column({ type: "jsonb", nullable: true })
  condition!: Condition | null;

  @Field(() => Int)
  @Column({ type: "int", default: 1 })
  version!: number;

  @Column({ type: "int", default: 0 })
  memberCount!: number;

  @Column({ type: "jsonb", nullable: true })
  dependencies!: SegmentDependencies | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "For ML segments: persona, centroid, model metrics" })
  @Column({ type: "jsonb", nullable: true })
  details!: Record<string, unknown> | null;

  @Column({ type: "timestamptz", nullable: true })
  windowsCheckedAt!: Date | null;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  archivedAt!: Date | null;
}
