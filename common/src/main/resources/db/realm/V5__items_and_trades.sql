-- Items in the world (docs/architecture.md, "Items"): nodes create items from loot, move them
-- between slots, split and merge stacks, destroy them, and trade them between two characters. Each
-- change lands in the character's fenced save with a ledger entry keyed by (character, epoch,
-- save_seq), as money does; a trade is one transaction holding both characters' saves and one
-- ledger entry each, sharing the trade's id.
--
-- Item ids: a node reserves blocks of them from item_id_seq before its maps need them (a map names
-- an item the moment it drops), and inserts the rows itself; an id reserved and never used is
-- harmless (ids are never reused, and the checker counts rows and ledger entries, not ids).

-- A trade's two ledger entries share its id: the invariant checker finds every trade with exactly
-- two entries, of two characters, whose money sums to zero and whose items given by one are the
-- items received by the other.
ALTER TABLE ledger ADD COLUMN trade_id UUID;
-- Items that changed hands with this entry: received from the trade's other side, or given to it.
ALTER TABLE ledger ADD COLUMN items_received BIGINT[] NOT NULL DEFAULT '{}';
ALTER TABLE ledger ADD COLUMN items_given BIGINT[] NOT NULL DEFAULT '{}';
CREATE INDEX ledger_trade ON ledger (trade_id) WHERE trade_id IS NOT NULL;

