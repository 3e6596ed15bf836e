import { Field, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryColumn } from "typeorm";

/** A custom trait's declared type in one workspace (string, number, boolean, date, list, object). */
@ObjectType()
@Entity("trait_definitions")
export class TraitDefinition {
  @PrimaryColumn({ type: "uuid" })
  workspaceId!: string;

  @Field()
  @PrimaryColumn({ type: "text" })
  name!: string;

  @Field()
  @Column({ type: "text" })
  type!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  description!: string | null;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}
