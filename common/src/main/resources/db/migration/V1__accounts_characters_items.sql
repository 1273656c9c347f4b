-- Accounts, characters and their items: the persistent truth of a realm.
-- Each realm has its own database; the control plane creates accounts and characters, nodes save
-- characters with compare-and-set on the ownership epoch (see character.epoch).

CREATE TABLE account (
    account_id          BIGSERIAL PRIMARY KEY,
    -- As typed at creation; unique regardless of case (lower(name) index below).
    name                TEXT        NOT NULL CHECK (name ~ '^[A-Za-z0-9_]{3,32}$'),
    -- PBKDF2-HMAC-SHA256 of the password with this salt and iteration count.
    password_hash       BYTEA       NOT NULL,
    password_salt       BYTEA       NOT NULL,
    password_iterations INTEGER     NOT NULL CHECK (password_iterations > 0),
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX account_name_unique ON account (lower(name));

CREATE TABLE character (
    character_id BIGSERIAL PRIMARY KEY,
    account_id   BIGINT      NOT NULL REFERENCES account (account_id),
    realm        TEXT        NOT NULL,
    -- Letters only, first upper-case, as the vanilla game allowed; unique per realm regardless of case.
    name         TEXT        NOT NULL CHECK (name ~ '^[A-Z][a-z]{1,11}$'),
    race         SMALLINT    NOT NULL,
    class        SMALLINT    NOT NULL,
    level        SMALLINT    NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 60),
    experience   BIGINT      NOT NULL DEFAULT 0 CHECK (experience >= 0),
    -- Copper; never negative, changed only together with the ledger below.
    money        BIGINT      NOT NULL DEFAULT 0 CHECK (money >= 0),
    -- Where the character is: a map, the instance of it (empty on continents), a position.
    map_id       INTEGER     NOT NULL,
    instance_id  TEXT        NOT NULL DEFAULT '',
    x            REAL        NOT NULL,
    y            REAL        NOT NULL,
    z            REAL        NOT NULL,
    orientation  REAL        NOT NULL DEFAULT 0,
    -- Ownership: the node that may save this row, the epoch it holds, and what it is doing.
    -- Every save is UPDATE ... WHERE epoch = <the saver's epoch>; 0 rows means the saver lost the
    -- character. A login or a transfer's claim increments the epoch.
    owner_node   TEXT,
    epoch        BIGINT      NOT NULL DEFAULT 0,
    state        TEXT        NOT NULL DEFAULT 'OFFLINE' CHECK (state IN ('OFFLINE', 'ONLINE', 'IN_TRANSFER')),
    -- Set while IN_TRANSFER: the transfer that may claim the row (retries are idempotent on it).
    transfer_id  UUID,
    -- Increases with every save by the owner: a save with a lower sequence never overwrites a higher.
    save_seq     BIGINT      NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((state = 'IN_TRANSFER') = (transfer_id IS NOT NULL)),
    CHECK (state = 'OFFLINE' OR owner_node IS NOT NULL)
);
CREATE UNIQUE INDEX character_name_unique ON character (realm, lower(name));
CREATE INDEX character_account ON character (account_id);
CREATE INDEX character_in_transfer ON character (updated_at) WHERE state = 'IN_TRANSFER';

-- Item ids come from one sequence, so an id seen twice is a duplication, not a coincidence.
CREATE SEQUENCE item_id_seq;

CREATE TABLE item (
    item_id      BIGINT   PRIMARY KEY DEFAULT nextval('item_id_seq'),
    character_id BIGINT   NOT NULL REFERENCES character (character_id),
    template_id  INTEGER  NOT NULL,
    count        INTEGER  NOT NULL DEFAULT 1 CHECK (count > 0),
    -- Bag slot; unique per character while held.
    slot         SMALLINT NOT NULL,
    UNIQUE (character_id, slot)
);

-- What the economy created or moved, written in the same transaction as the money and items it
-- explains: the invariant checker sums it (money now = money at creation + sum of deltas).
CREATE TABLE ledger (
    entry_id     BIGSERIAL   PRIMARY KEY,
    character_id BIGINT      NOT NULL REFERENCES character (character_id),
    -- Copper gained (positive) or spent (negative).
    money_delta  BIGINT      NOT NULL DEFAULT 0,
    -- Items that came into existence with this entry (loot), by id.
    items_created BIGINT[]   NOT NULL DEFAULT '{}',
    -- loot, vendor, trade, quest...
    source       TEXT        NOT NULL,
    -- The node and epoch that wrote it.
    node         TEXT        NOT NULL,
    epoch        BIGINT      NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ledger_character ON ledger (character_id);
