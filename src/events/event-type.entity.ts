import { Field, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from "typeorm";
import type { PropertySchema } from "./event-schema";

/** A workspace's own event type with the schema its properties must follow. */
@ObjectType()
@Entity("event_types")
export class EventTypeDefinition {
  @PrimaryColumn({ type: "uuid" })
  workspaceId!: string;

  @Field()
  @PrimaryColumn({ type: "text" })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  description!: string | null;

  @Field(() => GraphQLJSONObject, { description: "Property name → { type: string|number|boolean|date|list|object, required }" })
  @Column({ type: "jsonb", default: {} })
  properties!: PropertySchema;

  @Field({ description: "Counts as behavioural (dropped when analytics consent is denied)" })
  @Column({ type: "boolean", default: true })
  behavioral!: boolean;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;
}
