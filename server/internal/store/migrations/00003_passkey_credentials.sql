-- A WebAuthn credential id is registered to one account at most (WebAuthn
-- §7.1, step 22): the passkeys' credential ids, filled from the accounts
-- written before it was kept.

-- +goose Up
CREATE TABLE passkey_credentials (
    credential_id text PRIMARY KEY,
    account_id    text NOT NULL
);
CREATE INDEX passkey_credentials_account ON passkey_credentials (account_id);
INSERT INTO passkey_credentials (credential_id, account_id)
    SELECT p->>'id', a.id FROM accounts a, jsonb_array_elements(coalesce(a.doc->'passkeys', '[]'::jsonb)) p
    ON CONFLICT DO NOTHING;

-- +goose Down
DROP TABLE passkey_credentials;
