-- The journal's read side, the same on H2 and PostgreSQL: where each projection of the tagged
-- streams stands (ProjectionOffsets), and the numbers by platform (NumbersStore).
CREATE TABLE IF NOT EXISTS "shardcast_projection_offsets" (
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
);
CREATE TABLE IF NOT EXISTS "shardcast_numbers_minute" (
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
CREATE TABLE IF NOT EXISTS "shardcast_numbers_product" (
    "room_id" VARCHAR(64) NOT NULL,
    "platform" VARCHAR(64) NOT NULL,
    "product_id" VARCHAR(64) NOT NULL,
    "orders" BIGINT DEFAULT 0 NOT NULL,
    "units" BIGINT DEFAULT 0 NOT NULL,
    "revenue_cents" BIGINT DEFAULT 0 NOT NULL,
    PRIMARY KEY("room_id", "platform", "product_id")
);
CREATE TABLE IF NOT EXISTS "shardcast_numbers_buyer" (
    "room_id" VARCHAR(64) NOT NULL,
    "platform" VARCHAR(64) NOT NULL,
    "user_id" VARCHAR(128) NOT NULL,
    PRIMARY KEY("room_id", "platform", "user_id")
);
CREATE TABLE IF NOT EXISTS "shardcast_numbers_sale" (
    "room_id" VARCHAR(64) NOT NULL,
    "sale_id" VARCHAR(64) NOT NULL,
    "product_id" VARCHAR(64) NOT NULL,
    "price_cents" BIGINT NOT NULL,
    "reveal_at" BIGINT NOT NULL,
    "opened_at" BIGINT DEFAULT 0 NOT NULL,
    PRIMARY KEY("room_id", "sale_id")
)
