import { MigrationInterface, QueryRunner } from "typeorm";

export class CustomerDataCore1795402158132 implements MigrationInterface {
    name = 'CustomerDataCore1795402158132'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "items" ("workspace_id" uuid NOT NULL, "id" text NOT NULL, "title" text NOT NULL, "description" text, "url" text, "image_url" text, "category_path" text array NOT NULL DEFAULT '{}', "category" text, "brand" text, "price" numeric(14,4), "currency" text, "available" boolean NOT NULL DEFAULT true, "tags" text array NOT NULL DEFAULT '{}', "attributes" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2034aa9d9a1ea36f57c4f8da549" PRIMARY KEY ("workspace_id", "id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_b4bae9e855486544a3d55173cd" ON "items"  ("workspace_id", "category") `);
        await queryRunner.query(`CREATE TABLE "profiles" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "traits" jsonb NOT NULL DEFAULT '{}', "computed" jsonb NOT NULL DEFAULT '{}', "known" boolean NOT NULL DEFAULT false, "merged_into_id" uuid, "first_seen_at" TIMESTAMP WITH TIME ZONE, "last_seen_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8e520eb4da7dc01d0e190447c8e" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_eb5e29c70e9760e38efa1fbb84" ON "profiles"  ("workspace_id", "merged_into_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_377ab0c01b37742f842aebb677" ON "profiles"  ("workspace_id", "updated_at") `);
        await queryRunner.query(`CREATE TABLE "profile_identifiers" ("workspace_id" uuid NOT NULL, "type" text NOT NULL, "value" text NOT NULL, "profile_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_804be45813dbdcfaea35b369874" PRIMARY KEY ("workspace_id", "type", "value"))`);
        await queryRunner.query(`CREATE INDEX "IDX_ae841407e1a7f2a46abc236c14" ON "profile_identifiers"  ("workspace_id", "profile_id") `);
        await queryRunner.query(`CREATE TABLE "events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workspace_id" uuid NOT NULL, "message_id" text NOT NULL, "type" text NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "profile_id" uuid NOT NULL, "properties" jsonb NOT NULL DEFAULT '{}', "context" jsonb NOT NULL DEFAULT '{}', "item_ids" text array NOT NULL DEFAULT '{}', "revenue" numeric(14,4), "currency" text, CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_4fed683ce77d0403d28174839b" ON "events"  ("workspace_id", "type", "occurred_at") `);
        await queryRunner.query(`CREATE INDEX "IDX_0458e2802d1af126ba92739b98" ON "events"  ("workspace_id", "profile_id", "occurred_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_d88af1e4358f8cf4bcf7d66c9b" ON "events"  ("workspace_id", "message_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_d88af1e4358f8cf4bcf7d66c9b"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_0458e2802d1af126ba92739b98"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_4fed683ce77d0403d28174839b"`);
        await queryRunner.query(`DROP TABLE "events"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_ae841407e1a7f2a46abc236c14"`);
        await queryRunner.query(`DROP TABLE "profile_identifiers"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_377ab0c01b37742f842aebb677"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_eb5e29c70e9760e38efa1fbb84"`);
        await queryRunner.query(`DROP TABLE "profiles"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_b4bae9e855486544a3d55173cd"`);
        await queryRunner.query(`DROP TABLE "items"`);
    }

}
