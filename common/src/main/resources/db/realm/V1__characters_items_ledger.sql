-- A realm's database: its characters, their items and the ledger that explains its economy. The
-- control plane creates characters; nodes save them with a compare-and-set on the ownership epoch
-- (see character.epoch), so saving needs only this database. Accounts live in the accounts
-- database (db/accounts), which may or may not be this one.
--
-- This is the schema the combined migrations before the split (db/legacy V1 to V4) left, without
-- the account table and without the foreign key from character.account_id to it (see V2). A
-- combined database made by them has its history baselined at this version instead.
--
-- Character and item ids come from this database's sequences: two realm databases issue the same
-- ids, so a character or an item is named by (realm, id) anywhere outside its database.

CREATE TABLE character (
    -- Surrogate key, unique in this realm; session tokens, items and the ledger refer to it.
    character_id BIGSERIAL PRIMARY KEY,
    -- The account (in the accounts database) that plays it; not a foreign key: see V2.
    account_id   BIGINT      NOT NULL,
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
    -- When the last save or ownership change landed; the sweeper compares it on the few rows
    -- IN_TRANSFER (found by their partial index), so it is not indexed itself.
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT character_transfer_has_id CHECK (state <> 'IN_TRANSFER' OR transfer_id IS NOT NULL),
    CONSTRAINT character_played_has_owner CHECK (state = 'OFFLINE' OR owner_node IS NOT NULL)
);
CREATE UNIQUE INDEX character_name_unique ON character (realm, lower(name));
CREATE INDEX character_account ON character (account_id);
-- What a node owns (its sweep after a crash, the invariant checker); offline rows are most rows.
CREATE INDEX character_owner ON character (owner_node) WHERE state <> 'OFFLINE';
CREATE INDEX character_in_transfer ON character (transfer_id) WHERE state = 'IN_TRANSFER';
-- A periodic save changes only unindexed columns, so PostgreSQL can write the new row version on
-- the same page (a heap-only tuple update) when the page has room: leave a fifth of each page free.
ALTER TABLE character SET (fillfactor = 80);

-- Item ids come from one sequence, so an id seen twice in this realm is a duplication, not a coincidence.
CREATE SEQUENCE item_id_seq;

CREATE TABLE item (
    -- Unique in this realm for its life; never reused, never copied.
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
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The save that wrote it: a node that retries a save whose commit it could not confirm must not
    -- write the entry twice; the character, the epoch and the save sequence name the entry.
    save_seq        BIGINT
);
CREATE INDEX ledger_character ON ledger (character_id);
CREATE UNIQUE INDEX ledger_save_unique ON ledger (character_id, epoch, save_seq) WHERE save_seq IS NOT NULL;

-- Belt and braces for the fencing every saver does in its WHERE clause: no update may take a
-- character's epoch or save sequence backwards. A save that would is refused with an error (and
-- its transaction with it) instead of overwriting newer state.
CREATE FUNCTION character_fencing_never_regresses() RETURNS trigger AS $$
BEGIN
    IF NEW.epoch < OLD.epoch OR NEW.save_seq < OLD.save_seq THEN
        RAISE EXCEPTION 'character %: epoch %, save % would overwrite epoch %, save %',
            OLD.character_id, NEW.epoch, NEW.save_seq, OLD.epoch, OLD.save_seq;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER character_fencing_never_regresses BEFORE UPDATE ON character
    FOR EACH ROW EXECUTE FUNCTION character_fencing_never_regresses();
