-- A periodic save changes a character's position, money, experience, save sequence and
-- updated_at, none of them indexed any more, so PostgreSQL can write the new row version on the
-- same page without new index entries (a heap-only tuple update) when the page has room. Only
-- updated_at stood in the way: it was indexed for the sweeper, which finds the few rows
-- IN_TRANSFER by the partial index alone and compares updated_at on those.
DROP INDEX character_in_transfer;
CREATE INDEX character_in_transfer ON character (transfer_id) WHERE state = 'IN_TRANSFER';

-- Leave a fifth of each new page free for the next versions of its rows.
ALTER TABLE character SET (fillfactor = 80);
