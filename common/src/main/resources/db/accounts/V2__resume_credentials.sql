-- Resume credentials: what lets a client whose node connection broke back into the world without its
-- password (Login.Resume). One live credential per character; only SHA-256 hashes are kept, so a
-- copy of this table lets nobody in.

CREATE TABLE resume_credential (
    -- The character it is bound to: its realm and its id in that realm's database.
    realm           TEXT        NOT NULL,
    character_id    BIGINT      NOT NULL,
    -- The account it was issued to; a Resume is refused when the character is no longer its.
    account_id      BIGINT      NOT NULL REFERENCES account (account_id) ON DELETE CASCADE,
    -- SHA-256 of the live credential (32 random bytes the client holds).
    credential_hash BYTEA       NOT NULL CHECK (length(credential_hash) = 32),
    -- SHA-256 of the credential the last Resume spent: presented again, it revokes the live one.
    spent_hash      BYTEA                CHECK (spent_hash IS NULL OR length(spent_hash) = 32),
    expires_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (realm, character_id)
);
-- For the sweep of expired credentials.
CREATE INDEX resume_credential_expires ON resume_credential (expires_at);
