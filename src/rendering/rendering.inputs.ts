import { Field, ID, InputType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { IsOptional, Length, Matches, MaxLength, ValidateNested } from "class-validator";
import { ContentBlockKind } from "./starter-content";

const MAX_SOURCE = 512 * 1024;

@InputType()
export class LocaleVariantInput {
  @Field({ description: "BCP 47 locale, e.g. fr-FR" })
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: "must be a BCP 47 locale such as fr or fr-FR" })
  locale!: string;

  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) subject?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) preheader?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(MAX_SOURCE) mjml?: string | null;
}

@InputType()
export class FallbackInput {
  @Field() @MaxLength(2000) subject!: string;
  @Field() @MaxLength(2000) preheader!: string;
  @Field() @MaxLength(MAX_SOURCE) mjml!: string;
}

@InputType({ description: "Saves a new version of a template (creates the template when `id` is absent)" })
export class SaveTemplateInput {
  @Field(() => ID, { nullable: true }) @IsOptional() id?: string | null;
  @Field() @Length(1, 200) name!: string;
  @Field() @Length(1, MAX_SOURCE) mjml!: string;
  @Field() @MaxLength(2000) subject!: string;
  @Field({ defaultValue: "" }) @MaxLength(2000) preheader!: string;
  @Field(() => [LocaleVariantInput], { nullable: true }) @IsOptional() @ValidateNested({ each: true }) locales?: LocaleVariantInput[] | null;
  @Field(() => FallbackInput, { nullable: true }) @IsOptional() @ValidateNested() fallback?: FallbackInput | null;
  @Field(() => GraphQLJSONObject, { nullable: true, description: "Example data: { profile: {...traits} } documents which traits the template uses" })
  @IsOptional()
  sampleData?: Record<string, unknown> | null;
}

@InputType({ description: "Saves a new version of a content block (creates it when the name is new)" })
export class SaveContentBlockInput {
  @Field() @Matches(/^[a-z0-9][a-z0-9_.-]{0,63}$/, { message: "must be a lowercase slug (a-z, 0-9, _ . -)" }) name!: string;
  @Field(() => ContentBlockKind) kind!: ContentBlockKind;
  @Field(() => String, { nullable: true, description: "MJML+Liquid fragment; the kind's starter body when absent" })
  @IsOptional()
  @MaxLength(MAX_SOURCE)
  body?: string | null;
}
