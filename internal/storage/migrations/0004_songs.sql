-- The chart database: songs and charts per region, from `maiprobe songs
-- sync` (source diving-fish, zetaraku or tachi) or learned from imported
-- pages (source "page", constant unknown until a sync fills it in).
-- Constants are tenths (13.7 is 137); 0 means unknown.

CREATE TABLE songs (
    id          {{id}},
    region      {{short}} NOT NULL,
    song_key    {{key}} NOT NULL,
    music_id    INTEGER NOT NULL,
    title       {{key}} NOT NULL,
    site_title  {{key}} NOT NULL,
    chart_type  {{short}} NOT NULL,
    artist      {{text}} NOT NULL,
    genre       {{key}} NOT NULL,
    bpm         INTEGER NOT NULL,
    version     {{key}} NOT NULL,
    version_num INTEGER NOT NULL,
    utage       SMALLINT NOT NULL,
    utage_kind  {{short}} NOT NULL,
    buddy       SMALLINT NOT NULL,
    is_new      SMALLINT NOT NULL,
    source      {{short}} NOT NULL,
    synced_at   {{time}} NOT NULL,
    CONSTRAINT songs_key UNIQUE (region, song_key)
){{table}};

CREATE TABLE charts (
    id          {{id}},
    song_id     BIGINT NOT NULL,
    difficulty  {{short}} NOT NULL,
    side        INTEGER NOT NULL,
    level       {{short}} NOT NULL,
    constant    INTEGER NOT NULL,
    notes_tap   INTEGER NOT NULL,
    notes_hold  INTEGER NOT NULL,
    notes_slide INTEGER NOT NULL,
    notes_touch INTEGER NOT NULL,
    notes_break INTEGER NOT NULL,
    charter     {{text}} NOT NULL,
    source_id   BIGINT NOT NULL,
    CONSTRAINT charts_chart UNIQUE (song_id, difficulty, side),
    FOREIGN KEY (song_id) REFERENCES songs (id)
){{table}};

-- Every constant (and level) a chart has had: a row per value, from the
-- first sync that saw it to the last one that still did.
CREATE TABLE chart_constants (
    id         {{id}},
    chart_id   BIGINT NOT NULL,
    constant   INTEGER NOT NULL,
    level      {{short}} NOT NULL,
    source     {{short}} NOT NULL,
    first_seen {{time}} NOT NULL,
    last_seen  {{time}} NOT NULL,
    CONSTRAINT chart_constants_seen UNIQUE (chart_id, first_seen),
    FOREIGN KEY (chart_id) REFERENCES charts (id)
){{table}};

-- Which chart a page's title, type and difficulty is in a region, as the
-- matcher decided: status "matched" (chart of the song data), "learned"
-- (no such chart in the song data: a chart learned from the page, constant
-- unknown) or "ambiguous" (chart_id NULL; reason says which charts fit).
CREATE TABLE chart_links (
    id         {{id}},
    region     {{short}} NOT NULL,
    title      {{key}} NOT NULL,
    chart_type {{short}} NOT NULL,
    difficulty {{short}} NOT NULL,
    chart_id   BIGINT,
    status     {{short}} NOT NULL,
    reason     {{text}} NOT NULL,
    updated_at {{time}} NOT NULL,
    CONSTRAINT chart_links_chart UNIQUE (region, title, chart_type, difficulty),
    FOREIGN KEY (chart_id) REFERENCES charts (id)
){{table}};
