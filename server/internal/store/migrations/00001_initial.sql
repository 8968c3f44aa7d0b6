-- The first schema. Records the server reads whole are kept as JSON
-- documents (exact times, new fields without a migration); what is looked
-- up, ordered or constrained has columns of its own.

-- +goose Up
CREATE TABLE accounts (
    id    text PRIMARY KEY,
    email text NOT NULL UNIQUE,
    doc   jsonb NOT NULL
);

CREATE TABLE sessions (
    id         text PRIMARY KEY,
    account_id text NOT NULL,
    token_hash text NOT NULL UNIQUE,
    created    timestamptz NOT NULL,
    doc        jsonb NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id, created);

CREATE TABLE ended_sessions (
    token_hash text PRIMARY KEY,
    doc        jsonb NOT NULL
);

CREATE TABLE client_mutations (
    account_id text NOT NULL,
    client_id  text NOT NULL,
    last_id    bigint NOT NULL,
    PRIMARY KEY (account_id, client_id)
);

CREATE TABLE devices (
    account_id  text NOT NULL,
    device_hash text NOT NULL,
    first_seen  timestamptz NOT NULL,
    PRIMARY KEY (account_id, device_hash)
);

CREATE TABLE links (
    hash       text PRIMARY KEY,
    account_id text NOT NULL,
    doc        jsonb NOT NULL
);
CREATE INDEX links_account ON links (account_id);

CREATE TABLE events (
    account_id text NOT NULL,
    seq        bigint NOT NULL,
    doc        jsonb NOT NULL,
    PRIMARY KEY (account_id, seq)
);

CREATE TABLE activity (
    account_id text NOT NULL,
    seq        bigint NOT NULL,
    doc        jsonb NOT NULL,
    PRIMARY KEY (account_id, seq)
);

CREATE TABLE notifications (
    account_id text NOT NULL,
    id         bigint NOT NULL,
    doc        jsonb NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE calls (
    id         bigserial PRIMARY KEY,
    account_id text NOT NULL,
    agent_id   text NOT NULL,
    at         timestamptz NOT NULL,
    failed     boolean NOT NULL
);
CREATE INDEX calls_agent ON calls (account_id, agent_id, at);

CREATE TABLE resources (
    account_id text NOT NULL,
    kind       text NOT NULL,
    id         text NOT NULL,
    doc        jsonb NOT NULL,
    PRIMARY KEY (account_id, kind, id)
);

CREATE TABLE avatars (
    account_id text PRIMARY KEY,
    png        bytea NOT NULL
);

CREATE TABLE workspaces (
    id      text PRIMARY KEY,
    created timestamptz NOT NULL,
    doc     jsonb NOT NULL
);

CREATE TABLE memberships (
    account_id   text NOT NULL,
    workspace_id text NOT NULL REFERENCES workspaces ON DELETE CASCADE,
    role         text NOT NULL,
    PRIMARY KEY (account_id, workspace_id)
);

CREATE TABLE audit (
    seq          bigserial PRIMARY KEY,
    workspace_id text NOT NULL,
    at           timestamptz NOT NULL,
    doc          jsonb NOT NULL
);
CREATE INDEX audit_workspace ON audit (workspace_id, seq);
CREATE INDEX audit_at ON audit (at, seq);

-- The accounts and addresses each audit entry names, to forget them.
CREATE TABLE audit_subjects (
    subject text NOT NULL,
    seq     bigint NOT NULL REFERENCES audit ON DELETE CASCADE,
    PRIMARY KEY (subject, seq)
);
CREATE INDEX audit_subjects_seq ON audit_subjects (seq);

CREATE TABLE outbox (
    id   bigserial PRIMARY KEY,
    next timestamptz NOT NULL,
    doc  jsonb NOT NULL
);
CREATE INDEX outbox_next ON outbox (next, id);

-- +goose Down
DROP TABLE outbox, audit_subjects, audit, memberships, workspaces, avatars,
    resources, calls, notifications, activity, events, links, devices,
    client_mutations, ended_sessions, sessions, accounts;
