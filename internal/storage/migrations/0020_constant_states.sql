-- Constants learned from plays (internal/constants) without reading every
-- detail again after each import.
--
-- play_ratings is one row per play whose detail was stored: the rating the
-- detail printed after the play and its change, so the estimator reads two
-- numbers per play instead of each detail's JSON. seq numbers a player's
-- rows in the order their details were stored: it is players.rating_seq,
-- raised in the transaction that stores the detail, so a player's rows
-- commit in seq order even on databases with concurrent writers (the
-- player's row is locked until then), and the rows after the highest seq
-- an estimate has seen are exactly the ones it lacks. Written with the
-- detail; deleted with the play (which raises players.plays_epoch). The
-- plays that had a detail before get their id as seq and NULL ratings
-- ("to be read"): SQL cannot read the JSON alike on every database, so the
-- first estimate of their player reads those details once and fills them in.
ALTER TABLE players ADD COLUMN rating_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE play_ratings (
    play_id      BIGINT NOT NULL,
    player_id    BIGINT NOT NULL,
    seq          BIGINT NOT NULL,
    rating       INTEGER,
    rating_delta INTEGER,
    PRIMARY KEY (play_id),
    FOREIGN KEY (play_id) REFERENCES plays (id) ON DELETE CASCADE
){{table}};

CREATE UNIQUE INDEX play_ratings_player_seq ON play_ratings (player_id, seq);

INSERT INTO play_ratings (play_id, player_id, seq) SELECT id, player_id, id FROM plays WHERE detail IS NOT NULL;

UPDATE players SET rating_seq = COALESCE((SELECT MAX(r.seq) FROM play_ratings r WHERE r.player_id = players.id), 0);

-- constant_states keeps each player's estimate (constants.Memory) with what
-- it was made from (stamp), so every server on the database, and a
-- restarted one, shows it without computing it, and the next import goes on
-- from it (archive/constants_state.go). Derived data: written without
-- raising the archive's version.
CREATE TABLE constant_states (
    player_id BIGINT NOT NULL,
    stamp     {{key}} NOT NULL,
    data      {{blob}} NOT NULL,
    PRIMARY KEY (player_id),
    FOREIGN KEY (player_id) REFERENCES players (id) ON DELETE CASCADE
){{table}};
