-- The accounts database (the role vanilla's realmd had): who may log in, to any realm. Each realm's
-- characters, items and ledger live in that realm's own database (db/realm); one database may hold
-- both schemas (a single-realm deployment), each with its own Flyway history table.
-- A combined database made by the migrations before the split (db/legacy, flyway_schema_history)
-- already holds this table: its history is baselined at this version instead.

CREATE TABLE account (
    -- Surrogate key; session tokens carry it.
    account_id          BIGSERIAL PRIMARY KEY,
    -- As typed at creation; unique regardless of case (lower(name) index below).
    name                TEXT        NOT NULL CHECK (name ~ '^[A-Za-z0-9_]{3,32}$'),
    -- PBKDF2-HMAC-SHA256 of the password with this salt and iteration count.
    password_hash       BYTEA       NOT NULL,
    -- 16 random bytes per account, so equal passwords give different hashes.
    password_salt       BYTEA       NOT NULL,
    -- Stored per account: raising the default for new accounts keeps old hashes verifiable.
    password_iterations INTEGER     NOT NULL CHECK (password_iterations > 0),
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX account_name_unique ON account (lower(name));
