import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { ArrayMaxSize, IsOptional, MaxLength } from "class-validator";
import { ModelVersion } from "./model-version.entity";

@InputType({ description: "A declared tensor: name, element type (float32, float64, int32, int64, bool) and shape (-1 = any size)" })
export class TensorSpecInput {
  @Field() @MaxLength(200) name!: string;
  @Field() type!: string;
  @Field(() => [Int]) @ArrayMaxSize(8) shape!: number[];
}

@InputType()
export class ActivateModelInput {
  @Field(() => ID) id!: string;
}

@InputType()
export class RollbackModelInput {
  @Field({ description: "The kind whose active version is rolled back to the one it replaced" }) kind!: string;
}

@InputType()
export class UploadModelInput {
  @Field({ description: "UPPER_SNAKE_CASE kind, e.g. CHURN_XGB" }) kind!: string;
  @Field({ description: "The ONNX file, base64" }) onnxBase64!: string;
  @Field(() => [TensorSpecInput]) @ArrayMaxSize(64) inputs!: TensorSpecInput[];
  @Field(() => [TensorSpecInput]) @ArrayMaxSize(64) outputs!: TensorSpecInput[];
  @Field(() => GraphQLJSONObject, { nullable: true, description: "How Kindred fills each input (e.g. feature names in order)" }) @IsOptional() featureMapping?: Record<string, unknown> | null;
  @Field(() => GraphQLJSONObject, { nullable: true }) @IsOptional() params?: Record<string, unknown> | null;
  @Field(() => GraphQLJSONObject, { nullable: true, description: "Your own offline metrics" }) @IsOptional() metrics?: Record<string, unknown> | null;
  @Field({ defaultValue: false, description: "Activate at once when validation passes" }) activate!: boolean;
}

@InputType()
export class TrainModelInput {
  @Field({ description: "ALS, EASE, ITEM_KNN, BOUGHT_TOGETHER, CONTENT, POPULAR, or a kind another module registered" }) kind!: string;
  @Field(() => GraphQLJSONObject, { nullable: true }) @IsOptional() params?: Record<string, unknown> | null;
  @Field({ defaultValue: false, description: "Activate the new version when training succeeds" }) activate!: boolean;
}

@ObjectType()
export class ModelPayload {
  @Field(() => ModelVersion) model!: ModelVersion;
}

@ObjectType()
export class TrainModelPayload {
  @Field(() => ID, { description: "Follow it with job(id) or the jobUpdated subscription" }) jobId!: string;
}
