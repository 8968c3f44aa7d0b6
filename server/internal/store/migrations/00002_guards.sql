-- Account protection shared by every node: rate-limit buckets, failed
-- attempts of addresses with no account, leases.

-- +goose Up
CREATE TABLE rate_buckets (
    key    text PRIMARY KEY,
    tokens double precision NOT NULL,
    at     timestamptz NOT NULL
);
CREATE TABLE failure_counts (
    key   text PRIMARY KEY,
    count integer NOT NULL,
    last  timestamptz NOT NULL
);
CREATE TABLE leases (
    key   text PRIMARY KEY,
    until timestamptz NOT NULL
);

-- +goose Down
DROP TABLE leases, failure_counts, rate_buckets;
