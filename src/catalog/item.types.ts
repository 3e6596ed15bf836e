import { Field, ObjectType } from "type-graphql";

/** An invalid field of an item: where and why. */
@ObjectType("FieldProblem")
export class FieldProblemType {
  @Field() path!: string;
  @Field() message!: string;
}
