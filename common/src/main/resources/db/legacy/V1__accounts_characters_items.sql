-- Accounts, characters and their items: the persistent truth of a realm.
-- The control plane creates accounts and characters; nodes save characters with a compare-and-set
-- on the ownership epoch (see character.epoch), so saving needs only this database.

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

CREATE TABLE character (
    -- Surrogate key; session tokens, items and the ledger refer to it.
    character_id BIGSERIAL PRIMARY KEY,
    account_id   BIGINT      NOT NULL REFERENCES account (account_id),
    -- The realm it lives in: names are unique per realm, and a battleground node saves it back here.
    realm        TEXT        NOT NULL,
    -- Letters only, first upper-case, as the vanilla game allowed; unique per realm regardless of case.
    name         TEXT        NOT NULL CHECK (name ~ '^[A-Z][a-z]{1,11}$'),
    -- Vanilla race (1-8) and class (1-5, 7-9, 11) ids; the control plane checks them at creation.
    race         SMALLINT    NOT NULL,
    class        SMALLINT    NOT NULL,
    level        SMALLINT    NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 60),
    -- Experience towards the next level.
    experience   BIGINT      NOT NULL DEFAULT 0 CHECK (experience >= 0),
    -- Copper; never negative, changed only together with a ledger entry that explains it.
    money        BIGINT      NOT NULL DEFAULT 0 CHECK (money >= 0),
    -- Where the character is: a map, the instance of it (empty on continents), a position.
    map_id       INTEGER     NOT NULL,
    instance_id  TEXT        NOT NULL DEFAULT '',
    x            REAL        NOT NULL,
    y            REAL        NOT NULL,
    z            REAL        NOT NULL,
    -- Facing, in radians.
    orientation  REAL        NOT NULL DEFAULT 0,
    -- The node that may save this row; null only while OFFLINE.
    owner_node   TEXT,
    -- Every save is UPDATE ... WHERE epoch = <the saver's epoch>; 0 rows means the saver lost the
    -- character. A login or a transfer's claim increments it, which fences the previous owner.
    epoch        BIGINT      NOT NULL DEFAULT 0,
    -- OFFLINE: nobody plays it; ONLINE: owner_node runs it; IN_TRANSFER: frozen between two nodes.
    state        TEXT        NOT NULL DEFAULT 'OFFLINE' CHECK (state IN ('OFFLINE', 'ONLINE', 'IN_TRANSFER')),
    -- The transfer that may claim the row while IN_TRANSFER. Kept after the claim, so a retried
    -- offer with the same id is recognised as done instead of claimed twice.
    transfer_id  UUID,
    -- Increases with every save by the owner: a save with a lower sequence never overwrites a higher.
    save_seq     BIGINT      NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- When the last save or ownership change landed; the sweeper finds stale IN_TRANSFER rows by it.
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT character_transfer_has_id CHECK (state <> 'IN_TRANSFER' OR transfer_id IS NOT NULL),
    CONSTRAINT character_played_has_owner CHECK (state = 'OFFLINE' OR owner_node IS NOT NULL)
);
CREATE UNIQUE INDEX character_name_unique ON character (realm, lower(name));
CREATE INDEX character_account ON character (account_id);
-- What a node owns (its sweep after a crash, the invariant checker); offline rows are most rows.
CREATE INDEX character_owner ON character (owner_node) WHERE state <> 'OFFLINE';
CREATE INDEX character_in_transfer ON character (updated_at) WHERE state = 'IN_TRANSFER';

-- Item ids come from one sequence, so an id seen twice is a duplication, not a coincidence.
CREATE SEQUENCE item_id_seq;

CREATE TABLE item (
    -- Globally unique for the life of the realm; never reused, never copied.
    item_id      BIGINT   PRIMARY KEY DEFAULT nextval('item_id_seq'),
    -- Who holds it; changes only in the same transaction as that character's save.
    character_id BIGINT   NOT NULL REFERENCES character (character_id),
    -- What it is (the game's item template).
    template_id  INTEGER  NOT NULL,
    -- Stack size.
    count        INTEGER  NOT NULL DEFAULT 1 CHECK (count > 0),
    -- Bag slot; unique per character, checked at commit so that a save may swap two items.
    slot         SMALLINT NOT NULL,
    CONSTRAINT item_slot_unique UNIQUE (character_id, slot) DEFERRABLE INITIALLY DEFERRED
);

-- What the economy created, destroyed or moved, written in the same transaction as the money and
-- items it explains. The invariant checker sums it: a character's money = sum of its money_delta
-- (characters start with none), and every id in items_created exists unless a later entry lists it
-- in items_destroyed.
CREATE TABLE ledger (
    entry_id        BIGSERIAL   PRIMARY KEY,
    character_id    BIGINT      NOT NULL REFERENCES character (character_id),
    -- Copper gained (positive) or spent (negative).
    money_delta     BIGINT      NOT NULL DEFAULT 0,
    -- Items that came into existence with this entry (loot, vendor purchase), by id.
    items_created   BIGINT[]    NOT NULL DEFAULT '{}',
    -- Items that ceased to exist with this entry (sold, destroyed, used up), by id.
    items_destroyed BIGINT[]    NOT NULL DEFAULT '{}',
    -- Why: loot, vendor, trade, quest, gm...
    source          TEXT        NOT NULL,
    -- The node and the epoch it held when it wrote the entry (which save fenced it).
    node            TEXT        NOT NULL,
    epoch           BIGINT      NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ledger_character ON ledger (character_id);
