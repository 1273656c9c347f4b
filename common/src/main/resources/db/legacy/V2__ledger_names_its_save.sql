-- A ledger entry lands in the same transaction as the save that makes its money durable. A node
-- that retries a save whose commit it could not confirm must not write the entry twice: the
-- character, the epoch and the save sequence of that save name the entry.
ALTER TABLE ledger ADD COLUMN save_seq BIGINT;
CREATE UNIQUE INDEX ledger_save_unique ON ledger (character_id, epoch, save_seq) WHERE save_seq IS NOT NULL;
