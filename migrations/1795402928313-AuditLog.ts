import { MigrationInterface, QueryRunner } from "typeorm";

export class AuditLog1795402928313 implements MigrationInterface {
    name = 'AuditLog1795402928313'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "audit_log" ("id" BIGSERIAL NOT NULL, "workspace_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "api_key_id" uuid, "key_prefix" text, "role" text, "operation_type" text NOT NULL, "operation_name" text, "fields" text array NOT NULL, "target_ids" text array NOT NULL, "target_count" integer NOT NULL, "personal_data" boolean NOT NULL, "outcome" text NOT NULL, "error_code" text, "ip" text NOT NULL, "request_id" text NOT NULL, CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_54a011def8af756c89a8c3985e" ON "audit_log"  ("workspace_id", "at") `);
        await queryRunner.query(`CREATE INDEX "IDX_070f99c5a08b39e8ca84fbf9a2" ON "audit_log"  ("workspace_id", "id") `);
        // Append-only at the database level: rows can be inserted and read, never changed or removed.
        await queryRunner.query(`CREATE FUNCTION "audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$`);
        await queryRunner.query(`CREATE TRIGGER "audit_log_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION "audit_log_append_only"()`);
        await queryRunner.query(`CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"()`);
        await queryRunner.query(`REVOKE UPDATE, DELETE, TRUNCATE ON "audit_log" FROM PUBLIC`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER "audit_log_no_truncate" ON "audit_log"`);
        await queryRunner.query(`DROP TRIGGER "audit_log_no_update_delete" ON "audit_log"`);
        await queryRunner.query(`DROP FUNCTION "audit_log_append_only"()`);
        await queryRunner.query(`DROP INDEX "public"."IDX_070f99c5a08b39e8ca84fbf9a2"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_54a011def8af756c89a8c3985e"`);
        await queryRunner.query(`DROP TABLE "audit_log"`);
    }

}
