import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/**
 * One audited request: who (API key), what (operation, root fields, target ids), when, from where.
 * Append-only: the migration installs triggers that reject UPDATE, DELETE and TRUNCATE.
 */
@ObjectType({ description: "One audited request (every mutation, every read of personal data)" })
@Entity("audit_log")
@Index(["workspaceId", "id"])
@Index(["workspaceId", "at"])
export class AuditEntry {
  // A bigint sequence orders the log in insertion order (cursor = id).
  @Field(() => ID)
  @PrimaryGeneratedColumn("increment", { type: "bigint" })
  id!: string;

  @Column({ type: "uuid" })
  workspaceId!: string;

  @Field({ description: "When the request arrived" })
  @Column({ type: "timestamptz" })
  at!: Date;

  @Field(() => String, { nullable: true, description: "The API key that made the request" })
  @Column({ type: "uuid", nullable: true })
  apiKeyId!: string | null;

  @Field(() => String, { nullable: true, description: "Visible prefix of that key (never the secret)" })
  @Column({ type: "text", nullable: true })
  keyPrefix!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  role!: string | null;

  @Field({ description: "mutation or query" })
  @Column({ type: "text" })
  operationType!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  operationName!: string | null;

  @Field(() => [String], { description: "Root fields called, e.g. trackEvents, eraseProfile" })
  @Column({ type: "text", array: true })
  fields!: string[];

  @Field(() => [String], { description: "Ids named in the arguments (first 20); values of personal identifiers are never recorded" })
  @Column({ type: "text", array: true })
  targetIds!: string[];

  @Field(() => Int, { description: "How many ids the arguments named in total" })
  @Column({ type: "int" })
  targetCount!: number;

  @Field({ description: "True when the request read personal data" })
  @Column({ type: "boolean" })
  personalData!: boolean;

  @Field({ description: "success, partial or error" })
  @Column({ type: "text" })
  outcome!: string;

  @Field(() => String, { nullable: true, description: "First error code, when there was an error" })
  @Column({ type: "text", nullable: true })
  errorCode!: string | null;

  @Field({ description: "Client address" })
  @Column({ type: "text" })
  ip!: string;

  @Field()
  @Column({ type: "text" })
  requestId!: string;
}
