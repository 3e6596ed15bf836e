import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Event ids become time-ordered (UUID version 7: 48 bits of Unix milliseconds, then random bits).
 * With random ids every insert landed on a random page of the primary-key index; with ordered ids
 * inserts append to its right edge, so a large events table no longer churns the buffer cache and
 * the write-ahead log with that index's pages. PostgreSQL 18 has `uuidv7()`; this function gives
 * the same layout on every supported version. Existing ids stay as they are.
 */
export class EventsTimeOrderedIds1795460000000 implements MigrationInterface {
    name = 'EventsTimeOrderedIds1795460000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE OR REPLACE FUNCTION kindred_uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
            SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
        $$`);
        await queryRunner.query(`ALTER TABLE "events" ALTER COLUMN "id" SET DEFAULT kindred_uuid_v7()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "events" ALTER COLUMN "id" SET DEFAULT gen_random_uuid()`);
        await queryRunner.query(`DROP FUNCTION kindred_uuid_v7()`);
    }

}
