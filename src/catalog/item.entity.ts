import { Field, Float, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from "typeorm";

const numeric = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** A catalog item (product, article, …) keyed by the workspace's own id. */
@ObjectType()
@Entity("items")
@Index(["workspaceId", "category"])
export class Item {
  @PrimaryColumn({ type: "uuid" })
  workspaceId!: string;

  @Field({ description: "The workspace's own item id (SKU, stock code, …)" })
  @PrimaryColumn({ type: "text" })
  id!: string;

  @Field()
  @Column({ type: "text" })
  title!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  url!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  imageUrl!: string | null;

  @Field(() => [String], { description: "Category path from the root, e.g. [\"Home\", \"Kitchen\"]" })
  @Column({ type: "text", array: true, default: () => "'{}'" })
  categoryPath!: string[];

  @Field(() => String, { nullable: true, description: "Leaf category (last element of categoryPath)" })
  @Column({ type: "text", nullable: true })
  category!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  brand!: string | null;

  @Field(() => Float, { nullable: true })
  @Column({ type: "numeric", precision: 14, scale: 4, nullable: true, transformer: numeric })
  price!: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  currency!: string | null;

  @Field()
  @Column({ type: "boolean", default: true })
  available!: boolean;

  @Field(() => [String])
  @Column({ type: "text", array: true, default: () => "'{}'" })
  tags!: string[];

  @Field(() => GraphQLJSONObject)
  @Column({ type: "jsonb", default: {} })
  attributes!: Record<string, unknown>;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;
}
