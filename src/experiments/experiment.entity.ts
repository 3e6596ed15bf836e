import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";

/** What an experiment varies. */
export enum ExperimentKind {
  TEMPLATE = "TEMPLATE",
  BLOCK = "BLOCK",
  SUBJECT = "SUBJECT",
  MULTIVARIATE = "MULTIVARIATE",
}

/** draft → running → stopped (one way). */
export enum ExperimentStatus {
  DRAFT = "DRAFT",
  RUNNING = "RUNNING",
  STOPPED = "STOPPED",
}

/** The metric that decides the verdict. */
export enum ExperimentMetric {
  OPEN_RATE = "OPEN_RATE",
  CLICK_RATE = "CLICK_RATE",
  CONVERSION_RATE = "CONVERSION_RATE",
  REVENUE_PER_RECIPIENT = "REVENUE_PER_RECIPIENT",
}

registerEnumType(ExperimentKind, { name: "ExperimentKind", description: "TEMPLATE: whole template versions; BLOCK: one block slot; SUBJECT: subject line; MULTIVARIATE: factorial over several slots" });
registerEnumType(ExperimentStatus, { name: "ExperimentStatus" });
registerEnumType(ExperimentMetric, { name: "ExperimentMetric" });

/** The key reserved for the holdout group (receives the non-personalized version). */
export const HOLDOUT_KEY = "holdout";

/** What a variant changes in the render. */
@ObjectType()
export class VariantOverrides {
  @Field(() => String, { nullable: true }) subject?: string;
  @Field(() => GraphQLJSONObject, { nullable: true, description: "Block slot → block content or block id" }) blocks?: Record<string, string>;
  @Field(() => String, { nullable: true }) templateVersionId?: string;
}

/** One arm of an experiment. */
@ObjectType()
export class ExperimentVariant {
  @Field() key!: string;
  @Field(() => Float, { description: "Relative weight among the variants" }) weight!: number;
  @Field() control!: boolean;
  @Field(() => VariantOverrides) overrides!: VariantOverrides;
}

/** One level of a multivariate factor. */
@ObjectType()
export class FactorLevel {
  @Field() key!: string;
  @Field(() => String, { nullable: true, description: "Subject line or block content for this level" }) content?: string;
  @Field(() => String, { nullable: true }) templateVersionId?: string;
}

/** One slot of a multivariate (factorial) test: the subject or a block slot, with its levels (first = control). */
@ObjectType()
export class ExperimentFactor {
  @Field({ description: `"subject" or a block slot name` }) slot!: string;
  @Field(() => [FactorLevel]) levels!: FactorLevel[];
}

/** An A/B or multivariate test on a template, block or subject line. */
@ObjectType()
@Entity("experiments")
@Index(["workspaceId", "status"])
@Index(["workspaceId", "templateId", "status"])
export class Experiment {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Field()
  @Column({ type: "text" })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  description!: string | null;

  @Field(() => ExperimentKind)
  @Column({ type: "text" })
  kind!: ExperimentKind;

  @Field(() => ExperimentStatus)
  @Column({ type: "text", default: ExperimentStatus.DRAFT })
  status!: ExperimentStatus;

  @Field(() => ID, { description: "The template whose renders this experiment assigns" })
  @Column({ type: "uuid" })
  templateId!: string;

  @Field(() => ID, { nullable: true, description: "Restricts the experiment to one campaign's renders" })
  @Column({ type: "uuid", nullable: true })
  campaignId!: string | null;

  @Field(() => [ExperimentVariant], { description: "Arms (for MULTIVARIATE: the full factorial, generated)" })
  @Column({ type: "jsonb" })
  variants!: ExperimentVariant[];

  @Field(() => [ExperimentFactor], { nullable: true })
  @Column({ type: "jsonb", nullable: true })
  factors!: ExperimentFactor[] | null;

  @Field(() => Float, { description: "Share of recipients held out (0 to 0.5): they get the non-personalized version" })
  @Column({ type: "double precision", default: 0 })
  holdoutShare!: number;

  @Field(() => ExperimentMetric)
  @Column({ type: "text", default: ExperimentMetric.CLICK_RATE })
  primaryMetric!: ExperimentMetric;

  @Field({ description: "Use always-valid (mSPRT) p-values so results may be watched while running" })
  @Column({ type: "boolean", default: true })
  sequential!: boolean;

  @Field(() => Float, { description: "Significance level" })
  @Column({ type: "double precision", default: 0.05 })
  alpha!: number;

  @Field(() => Int)
  @Column({ type: "int", default: 1 })
  version!: number;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  winnerKey!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  stoppedAt!: Date | null;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;
}
