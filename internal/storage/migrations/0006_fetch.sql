-- The fetcher's state: the album's photo images, kept so they outlive the
-- site's last 10, and its runs, so an interrupted fetch resumes.

CREATE TABLE photo_images (
    id           {{id}},
    player_id    BIGINT NOT NULL,
    url          {{key}} NOT NULL,
    content_type {{short}} NOT NULL,
    size         BIGINT NOT NULL,
    fetched_at   {{time}} NOT NULL,
    data         {{blob}} NOT NULL,
    CONSTRAINT photo_images_url UNIQUE (player_id, url),
    FOREIGN KEY (player_id) REFERENCES players (id)
){{table}};

-- One row per fetch run; steps lists the pages done, so a run started
-- again after an interruption skips them.
CREATE TABLE fetch_runs (
    id             {{id}},
    player_id      BIGINT NOT NULL,
    region         {{short}} NOT NULL,
    started_at     {{time}} NOT NULL,
    finished_at    {{time}},
    play_count     INTEGER NOT NULL,
    newest_play_at {{time}},
    steps          {{text}} NOT NULL,
    FOREIGN KEY (player_id) REFERENCES players (id)
){{table}};

CREATE INDEX fetch_runs_player ON fetch_runs (player_id, started_at);
