import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Every ingested batch rewrites its profiles' computed traits: leave room on each page so the new
 * version stays on it (a HOT update: no new index entries, pruned without VACUUM).
 */
export class ProfilesFillfactor1795415191298 implements MigrationInterface {
    name = 'ProfilesFillfactor1795415191298'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "profiles" SET (fillfactor = 70)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "profiles" RESET (fillfactor)`);
    }

}
