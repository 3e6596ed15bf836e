import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import { ContentBlockKind } from "./starter-content";

registerEnumType(ContentBlockKind, { name: "ContentBlockKind", description: "What a reusable content block shows" });

/** A reusable MJML+Liquid fragment included with `{% content_block 'name' %}`; content is versioned. */
@ObjectType()
@Entity("content_blocks")
@Index(["workspaceId", "name"], { unique: true })
export class ContentBlock {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Field()
  @Column({ type: "text" })
  name!: string;

  @Field(() => ContentBlockKind)
  @Column({ type: "text" })
  kind!: ContentBlockKind;

  @Field(() => Int)
  @Column({ type: "int" })
  latestVersion!: number;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;
}

/** One immutable version of a content block's body. */
@ObjectType()
@Entity("content_block_versions")
@Index(["workspaceId", "blockId", "version"], { unique: true })
export class ContentBlockVersion {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Field(() => ID)
  @Column({ type: "uuid" })
  blockId!: string;

  @Field(() => Int)
  @Column({ type: "int" })
  version!: number;

  @Field()
  @Column({ type: "text" })
  body!: string;

  @Field()
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}
