-- A character moves to another realm (realmctl transfer-character): out of this database into
-- another realm's, exactly once, with no transaction spanning the two. Its progress is durable in
-- the rows themselves, so that whoever finds a move half-way (the next call, the leader's sweep)
-- can finish it:
--   1. here, the source: OFFLINE -> MOVING with a move id, the target realm and name, and the epoch
--      raised (a compare-and-set that also fences every login token issued before);
--   2. there, the target: the character inserted with its items, money and a ledger entry, in one
--      transaction keyed by the move id (arrived_by_move is unique), so a retry inserts nothing twice;
--   3. here: MOVING -> MOVED, the tombstone naming where it went; its items deleted, and a ledger
--      entry that says so and takes its money to zero.
-- A tombstone keeps its name taken in this realm, as vanilla's paid transfers did, and refuses
-- logins with where the character went.

ALTER TABLE character DROP CONSTRAINT character_state_check;
ALTER TABLE character ADD CONSTRAINT character_state_check
    CHECK (state IN ('OFFLINE', 'ONLINE', 'IN_TRANSFER', 'MOVING', 'MOVED'));

-- Moving or moved, nobody plays it: no node may hold it.
ALTER TABLE character DROP CONSTRAINT character_played_has_owner;
ALTER TABLE character ADD CONSTRAINT character_played_has_owner
    CHECK (state IN ('OFFLINE', 'MOVING', 'MOVED') OR owner_node IS NOT NULL);
ALTER TABLE character ADD CONSTRAINT character_moving_has_no_owner
    CHECK (state NOT IN ('MOVING', 'MOVED') OR owner_node IS NULL);

ALTER TABLE character
    -- The move out of this realm, while MOVING and kept in MOVED; null otherwise.
    ADD COLUMN move_id                   UUID,
    -- Where it goes: the realm, and the name it takes there (its own, or the one asked for).
    ADD COLUMN moved_to_realm            TEXT,
    ADD COLUMN moved_to_name             TEXT,
    -- Its id in the target realm's database, known once it landed there (MOVED).
    ADD COLUMN moved_to_character_id     BIGINT,
    -- The move that brought it into this realm, and where from; null for a character created here.
    ADD COLUMN arrived_by_move           UUID,
    ADD COLUMN arrived_from_realm        TEXT,
    ADD COLUMN arrived_from_character_id BIGINT,
    ADD CONSTRAINT character_move_complete CHECK (
        (state IN ('MOVING', 'MOVED')) = (move_id IS NOT NULL)
        AND (move_id IS NULL) = (moved_to_realm IS NULL)
        AND (move_id IS NULL) = (moved_to_name IS NULL)
        AND (state = 'MOVED') = (moved_to_character_id IS NOT NULL)),
    ADD CONSTRAINT character_moves_elsewhere CHECK (moved_to_realm IS NULL OR moved_to_realm <> realm),
    ADD CONSTRAINT character_moved_name CHECK (moved_to_name IS NULL OR moved_to_name ~ '^[A-Z][a-z]{1,11}$'),
    ADD CONSTRAINT character_arrival_complete CHECK (
        (arrived_by_move IS NULL) = (arrived_from_realm IS NULL)
        AND (arrived_by_move IS NULL) = (arrived_from_character_id IS NULL)),
    ADD CONSTRAINT character_arrives_from_elsewhere CHECK (arrived_from_realm IS NULL OR arrived_from_realm <> realm);

-- A move lands at most once: the target's insert of a retried move conflicts here and inserts nothing.
CREATE UNIQUE INDEX character_arrival_unique ON character (arrived_by_move) WHERE arrived_by_move IS NOT NULL;
-- One move out per row, found by its id (finishing it) and among the few rows moving (the sweep).
CREATE UNIQUE INDEX character_move_unique ON character (move_id) WHERE move_id IS NOT NULL;
-- Not on updated_at: every periodic save sets it, and a save must stay a heap-only (in-place) update.
CREATE INDEX character_moving ON character (move_id) WHERE state = 'MOVING';

-- The item's id in the realm it came from (with the character's arrived_from_realm), for an item
-- that arrived by a move; its id here is new, from this realm's sequence.
ALTER TABLE item ADD COLUMN arrived_from_item_id BIGINT;

-- The move a ledger entry explains: the source's entry that takes money and items out, the target's
-- that brings them in. At most one of each per character and move.
ALTER TABLE ledger ADD COLUMN move_id UUID;
CREATE UNIQUE INDEX ledger_move_unique ON ledger (character_id, move_id) WHERE move_id IS NOT NULL;

-- Belt and braces for the compare-and-sets of the move: a MOVING row only becomes MOVED (the move
-- landed) or OFFLINE (the move called off before it landed); a MOVED row, the tombstone, never
-- changes. Any other update, a node's login claim among them, is refused with where it went.
CREATE FUNCTION character_moves_are_final() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'MOVED' AND NEW IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION 'character % moved to realm % as %: it cannot change here',
            OLD.character_id, OLD.moved_to_realm, OLD.moved_to_name;
    END IF;
    IF OLD.state = 'MOVING' AND NEW.state NOT IN ('MOVING', 'MOVED', 'OFFLINE') THEN
        RAISE EXCEPTION 'character % is moving to realm %: it cannot be %',
            OLD.character_id, OLD.moved_to_realm, NEW.state;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER character_moves_are_final BEFORE UPDATE ON character
    FOR EACH ROW EXECUTE FUNCTION character_moves_are_final();
