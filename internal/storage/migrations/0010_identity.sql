-- Each player is bound to one in-game identity (docs/storage.md): the region
-- its pages come from and, once a friendCode page was seen, its friend code;
-- '' while not known yet. Pages of another identity are refused.
ALTER TABLE players ADD COLUMN region {{short}} NOT NULL DEFAULT '';
ALTER TABLE players ADD COLUMN friend_code {{short}} NOT NULL DEFAULT '';

-- Every in-game name the player's pages showed: one, or more after a
-- rename the player confirmed.
CREATE TABLE player_names (
    id         {{id}},
    player_id  BIGINT NOT NULL,
    name       {{key}} NOT NULL,
    first_seen {{time}} NOT NULL,
    CONSTRAINT player_names_name UNIQUE (player_id, name),
    FOREIGN KEY (player_id) REFERENCES players (id)
){{table}};
