-- The archive's first schema. {{…}} are the dialect's column types.
-- Times are UTC instants; achievements are ten-thousandths of a percent.

CREATE TABLE players (
    id         {{id}},
    name       {{key}} NOT NULL,
    created_at {{time}} NOT NULL,
    CONSTRAINT players_name UNIQUE (name)
){{table}};

-- Every imported page, compressed, stored once per player.
CREATE TABLE pages (
    id          {{id}},
    player_id   BIGINT NOT NULL,
    sha256      {{short}} NOT NULL,
    kind        {{short}} NOT NULL,
    region      {{short}} NOT NULL,
    source_name {{text}} NOT NULL,
    size        BIGINT NOT NULL,
    observed_at {{time}} NOT NULL,
    imported_at {{time}} NOT NULL,
    compression {{short}} NOT NULL,
    data        {{blob}} NOT NULL,
    CONSTRAINT pages_sha256 UNIQUE (player_id, sha256),
    FOREIGN KEY (player_id) REFERENCES players (id)
){{table}};

CREATE INDEX pages_observed ON pages (player_id, observed_at);

-- One row per play. A play with an idx token is identified by the token's
-- unix time; every play also by its minute, track and chart.
CREATE TABLE plays (
    id             {{id}},
    player_id      BIGINT NOT NULL,
    page_id        BIGINT NOT NULL,
    region         {{short}} NOT NULL,
    played_at      {{time}} NOT NULL,
    played_minute  BIGINT NOT NULL,
    idx            {{key}},
    idx_time       BIGINT,
    track          INTEGER NOT NULL,
    title          {{key}} NOT NULL,
    chart_type     {{short}} NOT NULL,
    difficulty     {{short}} NOT NULL,
    level          {{short}} NOT NULL,
    achievement    INTEGER NOT NULL,
    score_rank     {{short}} NOT NULL,
    dx_score       INTEGER NOT NULL,
    dx_score_max   INTEGER NOT NULL,
    dx_stars       INTEGER NOT NULL,
    fc             {{short}} NOT NULL,
    fs             {{short}} NOT NULL,
    clear          SMALLINT NOT NULL,
    new_record     SMALLINT NOT NULL,
    new_dx_record  SMALLINT NOT NULL,
    matching_rank  INTEGER NOT NULL,
    jacket         {{key}} NOT NULL,
    detail         {{text}},
    detail_page_id BIGINT,
    CONSTRAINT plays_idx UNIQUE (player_id, idx_time),
    CONSTRAINT plays_natural UNIQUE (player_id, played_minute, track, title, chart_type, difficulty),
    FOREIGN KEY (player_id) REFERENCES players (id),
    FOREIGN KEY (page_id) REFERENCES pages (id),
    FOREIGN KEY (detail_page_id) REFERENCES pages (id)
){{table}};

CREATE INDEX plays_played ON plays (player_id, played_at);

-- The current best of each chart.
CREATE TABLE best_scores (
    id           {{id}},
    player_id    BIGINT NOT NULL,
    title        {{key}} NOT NULL,
    chart_type   {{short}} NOT NULL,
    difficulty   {{short}} NOT NULL,
    level        {{short}} NOT NULL,
    genre        {{key}} NOT NULL,
    achievement  INTEGER NOT NULL,
    score_rank   {{short}} NOT NULL,
    dx_score     INTEGER NOT NULL,
    dx_score_max INTEGER NOT NULL,
    fc           {{short}} NOT NULL,
    fs           {{short}} NOT NULL,
    play_count   INTEGER NOT NULL,
    updated_at   {{time}} NOT NULL,
    CONSTRAINT best_scores_chart UNIQUE (player_id, title, chart_type, difficulty),
    FOREIGN KEY (player_id) REFERENCES players (id)
){{table}};

-- Every improvement of a best score, with the best as it became.
CREATE TABLE score_history (
    id           {{id}},
    player_id    BIGINT NOT NULL,
    title        {{key}} NOT NULL,
    chart_type   {{short}} NOT NULL,
    difficulty   {{short}} NOT NULL,
    observed_at  {{time}} NOT NULL,
    achievement  INTEGER NOT NULL,
    score_rank   {{short}} NOT NULL,
    dx_score     INTEGER NOT NULL,
    dx_score_max INTEGER NOT NULL,
    fc           {{short}} NOT NULL,
    fs           {{short}} NOT NULL,
    page_id      BIGINT,
    CONSTRAINT score_history_step UNIQUE (player_id, title, chart_type, difficulty, observed_at, achievement, dx_score, fc, fs),
    FOREIGN KEY (player_id) REFERENCES players (id),
    FOREIGN KEY (page_id) REFERENCES pages (id)
){{table}};

-- Profile snapshots of the home, playerData and friendCode pages.
CREATE TABLE snapshots (
    id          {{id}},
    player_id   BIGINT NOT NULL,
    kind        {{short}} NOT NULL,
    observed_at {{time}} NOT NULL,
    page_id     BIGINT,
    region      {{short}} NOT NULL,
    name        {{key}} NOT NULL,
    rating      INTEGER NOT NULL,
    stars       INTEGER NOT NULL,
    play_count  INTEGER NOT NULL,
    digest      {{short}} NOT NULL,
    data        {{text}} NOT NULL,
    CONSTRAINT snapshots_observed UNIQUE (player_id, kind, observed_at, digest),
    FOREIGN KEY (player_id) REFERENCES players (id),
    FOREIGN KEY (page_id) REFERENCES pages (id)
){{table}};

CREATE TABLE photos (
    id         {{id}},
    player_id  BIGINT NOT NULL,
    page_id    BIGINT,
    photo_key  {{short}} NOT NULL,
    region     {{short}} NOT NULL,
    image_url  {{text}} NOT NULL,
    taken_at   {{time}} NOT NULL,
    title      {{key}} NOT NULL,
    chart_type {{short}} NOT NULL,
    difficulty {{short}} NOT NULL,
    level      {{short}} NOT NULL,
    CONSTRAINT photos_key UNIQUE (player_id, photo_key),
    FOREIGN KEY (player_id) REFERENCES players (id),
    FOREIGN KEY (page_id) REFERENCES pages (id)
){{table}};
