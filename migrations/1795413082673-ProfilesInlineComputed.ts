import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Profile rows are rewritten on every ingested batch (computed traits, a few KB): keep them inline
 * and uncompressed up to a page instead of pglz-compressing every new version past 2 KB.
 */
export class ProfilesInlineComputed1795413082673 implements MigrationInterface {
    name = 'ProfilesInlineComputed1795413082673'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "profiles" SET (toast_tuple_target = 8160)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "profiles" RESET (toast_tuple_target)`);
    }

}
