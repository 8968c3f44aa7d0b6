-- The OpenID Connect provider's applications (registered by operators)
-- and the keys it signs tokens with, read by every node.

-- +goose Up
CREATE TABLE apps (
    id  text PRIMARY KEY,
    doc jsonb NOT NULL
);

CREATE TABLE signing_keys (
    id    text PRIMARY KEY,
    signs timestamptz NOT NULL,
    doc   jsonb NOT NULL
);

-- +goose Down
DROP TABLE signing_keys;
DROP TABLE apps;
