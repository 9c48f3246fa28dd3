-- Constants learned from plays (internal/constants) without reading every
-- detail again after each import.
--
-- play_ratings is one row per play whose detail was stored, in the order
-- the details were stored (seq): the rating the detail printed and its
-- change, so the estimator reads two numbers per play instead of each
-- detail's JSON, and finds the plays that got a detail since it last ran
-- (seq above the one it saw). Written with the detail; deleted with the
-- play. The plays that had a detail before get NULL ("to be read"): SQL
-- cannot read the JSON alike on every database, so the first estimate of
-- their player reads those details once and fills them in.
CREATE TABLE play_ratings (
    seq          {{id}},
    play_id      BIGINT NOT NULL,
    player_id    BIGINT NOT NULL,
    rating       INTEGER,
    rating_delta INTEGER,
    UNIQUE (play_id),
    FOREIGN KEY (play_id) REFERENCES plays (id) ON DELETE CASCADE
){{table}};

CREATE INDEX play_ratings_player ON play_ratings (player_id, seq);

INSERT INTO play_ratings (play_id, player_id) SELECT id, player_id FROM plays WHERE detail IS NOT NULL ORDER BY id;

-- constant_states keeps each player's estimate with what it was computed
-- from (stamp), so every server on the database, and a restarted one,
-- shows it without computing it, and the next import continues from it
-- (archive/constants_state.go).
CREATE TABLE constant_states (
    player_id BIGINT NOT NULL,
    stamp     {{key}} NOT NULL,
    data      {{blob}} NOT NULL,
    PRIMARY KEY (player_id),
    FOREIGN KEY (player_id) REFERENCES players (id) ON DELETE CASCADE
){{table}};
