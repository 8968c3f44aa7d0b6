-- The log services follow to keep their session caches current (the
-- revocation stream): numbered from a one-row counter that orders the
-- commits of the transactions adding to it.

-- +goose Up
CREATE TABLE changes (
    seq bigint PRIMARY KEY,
    at  timestamptz NOT NULL,
    doc jsonb NOT NULL
);
CREATE INDEX changes_at ON changes (at);

CREATE TABLE change_seq (
    id int PRIMARY KEY CHECK (id = 1),
    n  bigint NOT NULL
);
INSERT INTO change_seq (id, n) VALUES (1, 0);

-- +goose Down
DROP TABLE change_seq;
DROP TABLE changes;
