import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLJSON, GraphQLJSONObject } from "graphql-scalars";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

export enum ModelStatus {
  STAGED = "staged",
  ACTIVE = "active",
  RETIRED = "retired",
}
registerEnumType(ModelStatus, { name: "ModelStatus", description: "staged: trained or uploaded, not serving; active: the one version of its kind that serves; retired: served before" });

/** A declared input or output of a model: name, element type and shape (-1 = any size). */
export interface TensorSpec {
  name: string;
  type: string;
  shape: number[];
}

/**
 * One version of a model as data: kind, params, training window, data counts, metrics,
 * the ONNX artifact (sha256) and its lifecycle status. One active version per workspace and kind.
 */
@ObjectType("ModelVersion")
@Entity("model_versions")
@Index(["workspaceId", "kind", "createdAt"])
@Index("UQ_model_versions_active", ["workspaceId", "kind"], { unique: true, where: `"status" = 'active'` })
export class ModelVersion {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Field({ description: "What the model does: ALS, EASE, ITEM_KNN, CONTENT, POPULAR, or a custom kind" })
  @Column({ type: "text" })
  kind!: string;

  @Field(() => Int, { description: "1, 2, … per workspace and kind" })
  @Column({ type: "int" })
  version!: number;

  @Field(() => ModelStatus)
  @Column({ type: "text" })
  status!: ModelStatus;

  @Field({ description: "trained (by Kindred) or uploaded (bring your own)" })
  @Column({ type: "text" })
  source!: string;

  @Field(() => GraphQLJSONObject)
  @Column({ type: "jsonb", default: {} })
  params!: Record<string, unknown>;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  trainingWindowStart!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  trainingWindowEnd!: Date | null;

  @Field(() => GraphQLJSONObject, { description: "Rows the model was trained on (users, items, interactions …)" })
  @Column({ type: "jsonb", default: {} })
  dataCounts!: Record<string, number>;

  @Field(() => GraphQLJSONObject, { description: "Offline evaluation of this version" })
  @Column({ type: "jsonb", default: {} })
  metrics!: Record<string, unknown>;

  @Field(() => GraphQLJSON, { description: "Declared inputs and outputs" })
  @Column({ type: "jsonb", default: {} })
  signature!: { inputs: TensorSpec[]; outputs: TensorSpec[] };

  @Field(() => GraphQLJSONObject, { nullable: true, description: "How Kindred fills the inputs (uploaded models)" })
  @Column({ type: "jsonb", nullable: true })
  featureMapping!: Record<string, unknown> | null;

  @Column({ type: "bytea", select: false })
  artifact!: Buffer;

  @Field({ description: "SHA-256 of the ONNX artifact, hex" })
  @Column({ type: "text" })
  sha256!: string;

  @Field(() => Int)
  @Column({ type: "int" })
  sizeBytes!: number;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  activatedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "API key id (or cli) that activated it" })
  @Column({ type: "text", nullable: true })
  activatedBy!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  retiredAt!: Date | null;

  @Field(() => ID, { nullable: true, description: "The active version this one replaced (the rollback target)" })
  @Column({ type: "uuid", nullable: true })
  previousVersionId!: string | null;

  @Field(() => ID, { nullable: true, description: "The training job that produced it" })
  @Column({ type: "uuid", nullable: true })
  jobId!: string | null;
}
