import { Field, ID, Int, ObjectType } from "type-graphql";
import { GraphQLJSON } from "graphql-scalars";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import type { Condition } from "./condition.types";

/** One saved version of a segment's definition (kept on every update). */
@ObjectType()
@Entity("segment_versions")
@Index(["workspaceId", "segmentId", "version"], { unique: true })
export class SegmentVersion {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Column({ type: "uuid" })
  segmentId!: string;

  @Field(() => Int)
  @Column({ type: "int" })
  version!: number;

  @Field()
  @Column({ type: "text" })
  name!: string;

  @Field(() => GraphQLJSON, { nullable: true })
  @Column({ type: "jsonb", nullable: true })
  condition!: Condition | null;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}

/** A stay of a profile in a segment: open while `exitedAt` is null. */
@Entity("segment_memberships")
@Index("IDX_segment_memberships_current", ["workspaceId", "segmentId", "profileId"], { unique: true, where: "exited_at IS NULL" })
@Index("IDX_segment_memberships_profile", ["workspaceId", "profileId"], { where: "exited_at IS NULL" })
export class SegmentMembership {
  @PrimaryGeneratedColumn("increment", { type: "bigint" })
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Column({ type: "uuid" })
  segmentId!: string;

  @Column({ type: "uuid" })
  profileId!: string;

  @Column({ type: "timestamptz" })
  enteredAt!: Date;

  @Column({ type: "timestamptz", nullable: true })
  exitedAt!: Date | null;

  @Column({ type: "uuid", nullable: true })
  eventId!: string | null;

  @Column({ type: "uuid", nullable: true })
  exitEventId!: string | null;
}

/** A point of a segment's size over time. */
@ObjectType()
@Entity("segment_size_history")
@Index(["workspaceId", "segmentId", "at"])
export class SegmentSizePoint {
  @Field(() => ID)
  @PrimaryGeneratedColumn("increment", { type: "bigint" })
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Column({ type: "uuid" })
  segmentId!: string;

  @Field()
  @Column({ type: "timestamptz" })
  at!: Date;

  @Field(() => Int)
  @Column({ type: "int" })
  size!: number;
}
