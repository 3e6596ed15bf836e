import { GraphQLScalarType } from "graphql";
import { Field, Int, ObjectType } from "type-graphql";
import { PreEncodedString } from "../common/pre-encoded-json";
import { ConnectionType, PageInfo } from "../common/pagination";
import { ContentBlock, ContentBlockVersion } from "./content-block.entity";
import { Template, TemplateVersion } from "./template.entity";

/** Recommendations a render used, with the model that produced them. */
@ObjectType()
export class RecommendationUsed {
  @Field() strategy!: string;
  @Field(() => String, { nullable: true }) modelVersion!: string | null;
  @Field(() => [String]) itemIds!: string[];
}

/** What produced a render: template version, locale, variant, segments and recommendations used. */
@ObjectType()
export class RenderPersonalization {
  @Field() templateId!: string;
  @Field(() => Int) templateVersion!: number;
  @Field(() => String, { nullable: true }) locale!: string | null;
  @Field({ description: "True when the non-personal fallback was rendered (no consent, holdout)" }) fallback!: boolean;
  @Field(() => String, { nullable: true }) experimentId!: string | null;
  @Field(() => String, { nullable: true }) variant!: string | null;
  @Field(() => [String]) segments!: string[];
  @Field(() => [RecommendationUsed]) recommendations!: RecommendationUsed[];
  @Field(() => [String], { description: "Data sources the template referenced and Kindred loaded" }) sources!: string[];
}

/** A rendered HTML or text part: a JSON string on the wire, encoded while rendering rather than per response. */
export const EmailContent = new GraphQLScalarType({
  name: "EmailContent",
  description: "A rendered email part (HTML or plain text); serialized as a string",
  serialize: (value) => (value instanceof PreEncodedString || typeof value === "string" ? value : String(value)),
  parseValue: () => {
    throw new TypeError("EmailContent is an output type");
  },
  parseLiteral: () => {
    throw new TypeError("EmailContent is an output type");
  },
});

/** One recipient's personalized email. */
@ObjectType()
export class RenderedEmail {
  @Field() profileId!: string;
  @Field() subject!: string;
  @Field() preheader!: string;
  @Field(() => EmailContent) html!: string | PreEncodedString;
  @Field(() => EmailContent, { description: "Plain-text part" }) text!: string | PreEncodedString;
  @Field(() => RenderPersonalization) personalization!: RenderPersonalization;
}

/** A recipient of a batch that could not be rendered. */
@ObjectType()
export class RenderProblem {
  @Field() profileId!: string;
  @Field() message!: string;
}

/** One page of an audience's renders. */
@ObjectType()
export class RenderBatch {
  @Field(() => [RenderedEmail]) emails!: RenderedEmail[];
  @Field(() => [RenderProblem]) problems!: RenderProblem[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType()
export class SaveTemplatePayload {
  @Field(() => Template) template!: Template;
  @Field(() => TemplateVersion) version!: TemplateVersion;
}

@ObjectType()
export class SaveContentBlockPayload {
  @Field(() => ContentBlock) block!: ContentBlock;
  @Field(() => ContentBlockVersion) version!: ContentBlockVersion;
}

export const TemplateConnection = ConnectionType(Template);
export const ContentBlockConnection = ConnectionType(ContentBlock);
