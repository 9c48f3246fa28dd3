-- The play log of a player (the history pages' lean read of every play)
-- and its score history (the rating data) are cached and read on
-- incrementally: only the rows with ids above the cached ones. That holds
-- while rows are only ever added. plays_epoch is raised whenever a
-- player's plays or score history steps are deleted (a reparse or a split
-- re-derives them, and SQLite may then hand the same ids to different
-- rows) or steps change in place (a genre learnt), so a cache of another
-- epoch is read again whole — also in another server on the same
-- database.
ALTER TABLE players ADD COLUMN plays_epoch BIGINT NOT NULL DEFAULT 0;

-- The plays of one player by id: the newest id and the plays after a
-- cached one are an index range, not a walk of the player's plays.
CREATE INDEX plays_player_id ON plays (player_id, id);
CREATE INDEX score_history_player_id ON score_history (player_id, id);
