-- What several nodes share besides the records: rate-limit buckets,
-- failed attempts of addresses with no account, leases, and jobs.

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
    key    text PRIMARY KEY,
    holder text NOT NULL,
    until  timestamptz NOT NULL
);
CREATE TABLE jobs (
    id       text PRIMARY KEY,
    created  timestamptz NOT NULL,
    finished timestamptz,
    doc      jsonb NOT NULL
);
CREATE INDEX jobs_pending ON jobs (created, id) WHERE finished IS NULL;

-- Retention prunes call outcomes by age.
CREATE INDEX calls_at ON calls (at);

-- +goose Down
DROP INDEX calls_at;
DROP TABLE jobs, leases, failure_counts, rate_buckets;
