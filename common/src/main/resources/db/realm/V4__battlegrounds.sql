-- Battlegrounds: what a character carries home from one, what keeps it out of the queue, and where
-- it goes back to.
--
-- honor: earned by winning matches, written in the transaction that takes the player home.
-- deserter_until: Deserter (leaving a match early, or not back from a disconnect within the grace)
-- runs out at this time, online or not; it blocks queueing until then. Null when it has none.
-- bg_entry_*: where the character stood when it entered a battleground (saved by its home node in
-- the departure save of that transfer), and bg_match_id the match: the character goes back there
-- when the match ends, when it leaves, or at its next login when it cannot return to the match (the
-- battleground's node crashed, the match ended while it was offline). All null outside a battleground.
ALTER TABLE character
    ADD COLUMN honor                BIGINT      NOT NULL DEFAULT 0 CHECK (honor >= 0),
    ADD COLUMN deserter_until       TIMESTAMPTZ,
    ADD COLUMN bg_match_id          TEXT,
    ADD COLUMN bg_entry_map_id      INTEGER,
    ADD COLUMN bg_entry_instance_id TEXT,
    ADD COLUMN bg_entry_x           REAL,
    ADD COLUMN bg_entry_y           REAL,
    ADD COLUMN bg_entry_z           REAL,
    ADD COLUMN bg_entry_orientation REAL,
    ADD CONSTRAINT character_bg_entry_whole CHECK (
        (bg_match_id IS NULL AND bg_entry_map_id IS NULL AND bg_entry_instance_id IS NULL
            AND bg_entry_x IS NULL AND bg_entry_y IS NULL AND bg_entry_z IS NULL AND bg_entry_orientation IS NULL)
        OR (bg_match_id IS NOT NULL AND bg_entry_map_id IS NOT NULL AND bg_entry_instance_id IS NOT NULL
            AND bg_entry_x IS NOT NULL AND bg_entry_y IS NOT NULL AND bg_entry_z IS NOT NULL
            AND bg_entry_orientation IS NOT NULL));
