import { MigrationInterface, QueryRunner } from "typeorm";

export class Rendering1795402859794 implements MigrationInterface {
    name = 'Rendering1795402859794'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "content_blocks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "name" text NOT NULL, "kind" text NOT NULL, "latest_version" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_607a3abb7e7af9bb5c22090a597" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_601209a81b1515a624afe559d5" ON "content_blocks"  ("workspace_id", "name") `);
        await queryRunner.query(`CREATE TABLE "content_block_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "block_id" uuid NOT NULL, "version" integer NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9fdd208d080dd8c58f6fd72c6c0" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_6824992ac5a3c89ca07aa874e8" ON "content_block_versions"  ("workspace_id", "block_id", "version") `);
        await queryRunner.query(`CREATE TABLE "templates" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "name" text NOT NULL, "latest_version" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_515948649ce0bbbe391de702ae5" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_71621b5d942859a378acf2c98a" ON "templates"  ("workspace_id", "name") `);
        await queryRunner.query(`CREATE TABLE "template_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "template_id" uuid NOT NULL, "version" integer NOT NULL, "subject" text NOT NULL, "preheader" text NOT NULL, "mjml" text NOT NULL, "locales" jsonb NOT NULL DEFAULT '[]', "fallback" jsonb, "sample_data" jsonb NOT NULL DEFAULT '{}', "block_versions" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cfc439255ca2725f4102c554d41" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_397b05e40da3787d09b55bcdfc" ON "template_versions"  ("workspace_id", "template_id", "version") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_397b05e40da3787d09b55bcdfc"`);
        await queryRunner.query(`DROP TABLE "template_versions"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_71621b5d942859a378acf2c98a"`);
        await queryRunner.query(`DROP TABLE "templates"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_6824992ac5a3c89ca07aa874e8"`);
        await queryRunner.query(`DROP TABLE "content_block_versions"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_601209a81b1515a624afe559d5"`);
        await queryRunner.query(`DROP TABLE "content_blocks"`);
    }

}
