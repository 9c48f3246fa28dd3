-- Two songs may share a title (intl has two "Link", one in
-- niconico＆VOCALOID™ and one in maimai), so a best score and its history
-- are also told apart by the song's genre; '' when no page has shown it.
-- A unique key cannot change in place in SQLite, so both tables are
-- rebuilt: create, copy, drop, rename (plain SQL all three databases run).
-- Ids are not copied: nothing refers to them, and PostgreSQL's identity
-- would not count copied ids.
-- The genre is {{short}} and the history's FC and FS {{tiny}} so the keys
-- fit InnoDB's 3072 bytes on MariaDB and MySQL.
CREATE TABLE best_scores_v8 (
    id           {{id}},
    player_id    BIGINT NOT NULL,
    title        {{key}} NOT NULL,
    chart_type   {{short}} NOT NULL,
    difficulty   {{short}} NOT NULL,
    genre        {{short}} NOT NULL,
    level        {{short}} NOT NULL,
    achievement  INTEGER NOT NULL,
    score_rank   {{short}} NOT NULL,
    dx_score     INTEGER NOT NULL,
    dx_score_max INTEGER NOT NULL,
    fc           {{short}} NOT NULL,
    fs           {{short}} NOT NULL,
    play_count   INTEGER NOT NULL,
    updated_at   {{time}} NOT NULL,
    CONSTRAINT best_scores_song UNIQUE (player_id, title, chart_type, difficulty, genre),
    FOREIGN KEY (player_id) REFERENCES players (id)
){{table}};

INSERT INTO best_scores_v8 (player_id, title, chart_type, difficulty, genre, level, achievement, score_rank, dx_score,
    dx_score_max, fc, fs, play_count, updated_at)
SELECT player_id, title, chart_type, difficulty, genre, level, achievement, score_rank, dx_score,
    dx_score_max, fc, fs, play_count, updated_at FROM best_scores ORDER BY id;

DROP TABLE best_scores;

ALTER TABLE best_scores_v8 RENAME TO best_scores;

CREATE TABLE score_history_v8 (
    id           {{id}},
    player_id    BIGINT NOT NULL,
    title        {{key}} NOT NULL,
    chart_type   {{short}} NOT NULL,
    difficulty   {{short}} NOT NULL,
    genre        {{short}} NOT NULL,
    observed_at  {{time}} NOT NULL,
    achievement  INTEGER NOT NULL,
    score_rank   {{short}} NOT NULL,
    dx_score     INTEGER NOT NULL,
    dx_score_max INTEGER NOT NULL,
    fc           {{tiny}} NOT NULL,
    fs           {{tiny}} NOT NULL,
    page_id      BIGINT,
    CONSTRAINT score_history_song_step UNIQUE (player_id, title, chart_type, difficulty, genre, observed_at, achievement, dx_score, fc, fs),
    FOREIGN KEY (player_id) REFERENCES players (id),
    FOREIGN KEY (page_id) REFERENCES pages (id)
){{table}};

-- A history row takes the genre of its chart's best when the chart has
-- exactly one best, as every chart did before this migration.
INSERT INTO score_history_v8 (player_id, title, chart_type, difficulty, genre, observed_at, achievement, score_rank,
    dx_score, dx_score_max, fc, fs, page_id)
SELECT h.player_id, h.title, h.chart_type, h.difficulty,
    COALESCE((SELECT b.genre FROM best_scores b WHERE b.player_id = h.player_id AND b.title = h.title
        AND b.chart_type = h.chart_type AND b.difficulty = h.difficulty), ''),
    h.observed_at, h.achievement, h.score_rank, h.dx_score, h.dx_score_max, h.fc, h.fs, h.page_id
FROM score_history h ORDER BY h.id;

DROP TABLE score_history;

ALTER TABLE score_history_v8 RENAME TO score_history;
