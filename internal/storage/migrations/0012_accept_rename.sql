-- The owner confirmed that the in-game player renamed themselves: the next
-- page showing a new name is accepted (once) instead of refused as another
-- player's. Set on the web settings page; the command line has --renamed.
ALTER TABLE players ADD COLUMN accept_rename SMALLINT NOT NULL DEFAULT 0;
