CREATE TABLE IF NOT EXISTS PUBLIC."event_journal" (
    "ordering" BIGINT UNIQUE NOT NULL AUTO_INCREMENT,
    "deleted" BOOLEAN DEFAULT false NOT NULL,
    "persistence_id" VARCHAR(255) NOT NULL,
    "sequence_number" BIGINT NOT NULL,
    "writer" VARCHAR NOT NULL,
    "write_timestamp" BIGINT NOT NULL,
    "adapter_manifest" VARCHAR NOT NULL,
    "event_payload" BLOB NOT NULL,
    "event_ser_id" INTEGER NOT NULL,
    "event_ser_manifest" VARCHAR NOT NULL,
    "meta_payload" BLOB,
    "meta_ser_id" INTEGER,
    "meta_ser_manifest" VARCHAR,
    PRIMARY KEY("persistence_id","sequence_number")
);
CREATE UNIQUE INDEX IF NOT EXISTS "event_journal_ordering_idx" ON PUBLIC."event_journal" ("ordering");
CREATE TABLE IF NOT EXISTS PUBLIC."event_tag" (
    "event_id" BIGINT NOT NULL,
    "tag" VARCHAR NOT NULL,
    PRIMARY KEY("event_id", "tag"),
    CONSTRAINT fk_event_journal FOREIGN KEY("event_id") REFERENCES "event_journal"("ordering") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS PUBLIC."snapshot" (
    "persistence_id" VARCHAR(255) NOT NULL,
    "sequence_number" BIGINT NOT NULL,
    "created" BIGINT NOT NULL,
    "snapshot_ser_id" INTEGER NOT NULL,
    "snapshot_ser_manifest" VARCHAR NOT NULL,
    "snapshot_payload" BLOB NOT NULL,
    "meta_ser_id" INTEGER,
    "meta_ser_manifest" VARCHAR,
    "meta_payload" BLOB,
    PRIMARY KEY("persistence_id","sequence_number")
);
;
CREATE TABLE IF NOT EXISTS PUBLIC."shardcast_projection_offsets" (
    "projection" VARCHAR(255) NOT NULL,
    "stream" VARCHAR(255) NOT NULL,
    "ordering" BIGINT NOT NULL,
    "done" BIGINT DEFAULT 0 NOT NULL,
    "refused" BIGINT DEFAULT 0 NOT NULL,
    "last_id" VARCHAR(255),
    "last_at" BIGINT,
    "last_error" VARCHAR(1024),
    "last_error_at" BIGINT,
    "next_attempt_at" BIGINT,
    "updated_at" BIGINT NOT NULL,
    PRIMARY KEY("projection", "stream")
)

;
CREATE TABLE IF NOT EXISTS PUBLIC."shardcast_numbers_minute" (
    "room_id" VARCHAR(64) NOT NULL,
    "platform" VARCHAR(64) NOT NULL,
    "minute" BIGINT NOT NULL,
    "viewers_peak" BIGINT DEFAULT 0 NOT NULL,
    "viewer_seconds" BIGINT DEFAULT 0 NOT NULL,
    "joins" BIGINT DEFAULT 0 NOT NULL,
    "comments" BIGINT DEFAULT 0 NOT NULL,
    "likes" BIGINT DEFAULT 0 NOT NULL,
    "gifts" BIGINT DEFAULT 0 NOT NULL,
    "claims" BIGINT DEFAULT 0 NOT NULL,
    "orders" BIGINT DEFAULT 0 NOT NULL,
    "units" BIGINT DEFAULT 0 NOT NULL,
    "revenue_cents" BIGINT DEFAULT 0 NOT NULL,
    PRIMARY KEY("room_id", "platform", "minute")
);
CREATE TABLE IF NOT EXISTS PUBLIC."shardcast_numbers_product" (
    "room_id" VARCHAR(64) NOT NULL,
    "platform" VARCHAR(64) NOT NULL,
    "product_id" VARCHAR(64) NOT NULL,
    "orders" BIGINT DEFAULT 0 NOT NULL,
    "units" BIGINT DEFAULT 0 NOT NULL,
    "revenue_cents" BIGINT DEFAULT 0 NOT NULL,
    PRIMARY KEY("room_id", "platform", "product_id")
);
CREATE TABLE IF NOT EXISTS PUBLIC."shardcast_numbers_buyer" (
    "room_id" VARCHAR(64) NOT NULL,
    "platform" VARCHAR(64) NOT NULL,
    "user_id" VARCHAR(128) NOT NULL,
    PRIMARY KEY("room_id", "platform", "user_id")
);
CREATE TABLE IF NOT EXISTS PUBLIC."shardcast_numbers_sale" (
    "room_id" VARCHAR(64) NOT NULL,
    "sale_id" VARCHAR(64) NOT NULL,
    "product_id" VARCHAR(64) NOT NULL,
    "price_cents" BIGINT NOT NULL,
    "reveal_at" BIGINT NOT NULL,
    "opened_at" BIGINT DEFAULT 0 NOT NULL,
    PRIMARY KEY("room_id", "sale_id")
)
