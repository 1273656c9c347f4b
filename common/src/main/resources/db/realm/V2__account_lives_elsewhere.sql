-- A character's account lives in the accounts database, which for a realm with a database of its
-- own is another database: PostgreSQL cannot check a reference across databases, so
-- character.account_id is a plain column. The control plane creates a character only for an
-- account it has just read from the accounts database, and accounts are never deleted.
--
-- A combined database made before the split (db/legacy V1) still has the foreign key: drop it,
-- so every realm database has one schema whether or not the accounts share it. (A new realm
-- database never had it: this is a no-op there.)
ALTER TABLE character DROP CONSTRAINT IF EXISTS character_account_id_fkey;
