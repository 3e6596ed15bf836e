import { Field, ID, Int, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";

/** A named email template; its content lives in immutable versions. */
@ObjectType()
@Entity("templates")
@Index(["workspaceId", "name"], { unique: true })
export class Template {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Field()
  @Column({ type: "text" })
  name!: string;

  @Field(() => Int, { description: "The version renders use" })
  @Column({ type: "int" })
  latestVersion!: number;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;
}

/** One locale's subject, preheader and (optionally) body. */
@ObjectType()
export class LocaleVariant {
  @Field() locale!: string;
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field(() => String, { nullable: true }) preheader!: string | null;
  @Field(() => String, { nullable: true, description: "MJML body; the default body when absent" }) mjml!: string | null;
}

/** The non-personal version sent without personalization consent. */
@ObjectType()
export class FallbackContent {
  @Field() subject!: string;
  @Field() preheader!: string;
  @Field() mjml!: string;
}

/** An immutable, validated version of a template (MJML body, Liquid subject/preheader, locales, fallback). */
@ObjectType()
@Entity("template_versions")
@Index(["workspaceId", "templateId", "version"], { unique: true })
export class TemplateVersion {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Field(() => ID)
  @Column({ type: "uuid" })
  templateId!: string;

  @Field(() => Int)
  @Column({ type: "int" })
  version!: number;

  @Field()
  @Column({ type: "text" })
  subject!: string;

  @Field()
  @Column({ type: "text" })
  preheader!: string;

  @Field()
  @Column({ type: "text" })
  mjml!: string;

  @Field(() => [LocaleVariant])
  @Column({ type: "jsonb", default: [] })
  locales!: LocaleVariant[];

  @Field(() => FallbackContent, { nullable: true })
  @Column({ type: "jsonb", nullable: true })
  fallback!: FallbackContent | null;

  @Field(() => GraphQLJSONObject, { description: "Example data documenting the traits the template uses" })
  @Column({ type: "jsonb", default: {} })
  sampleData!: Record<string, unknown>;

  @Field(() => GraphQLJSONObject, { description: "Content block name → version pinned by this template version" })
  @Column({ type: "jsonb", default: {} })
  blockVersions!: Record<string, number>;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}
