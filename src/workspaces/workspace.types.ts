import { Field, InputType, ObjectType } from "type-graphql";
import { IsNotEmpty, MaxLength } from "class-validator";
import { ApiKey } from "./api-key.entity";
import { Role } from "./role";
import { ConnectionType } from "../common/pagination";

/** The caller: their workspace, role and key (workspace and key are loaded only when asked for). */
@ObjectType()
export class Viewer {
  @Field(() => Role) role!: Role;
  workspaceId!: string;
  apiKeyId!: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field({ description: "What the key is for, e.g. 'ESP production'" })
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @Field(() => Role)
  role!: Role;
}

@ObjectType()
export class CreateApiKeyPayload {
  @Field(() => ApiKey) apiKey!: ApiKey;
  @Field({ description: "The full key. It is shown only here, once; store it now." })
  secret!: string;
}

@InputType()
export class RevokeApiKeyInput {
  @Field() id!: string;
}

@ObjectType()
export class RevokeApiKeyPayload {
  @Field(() => ApiKey) apiKey!: ApiKey;
}

export const ApiKeyConnection = ConnectionType(ApiKey);
