-- Automatic import. An import token lets a bookmarklet, a userscript or a
-- capture proxy post pages for one player without a login; only a hash of
-- it is kept. A site login is a player's stored DX NET session (a cookie,
-- or a SEGA ID and password) sealed with the server's secret key, and the
-- schedule the fetcher uses it on.

CREATE TABLE import_tokens (
    id           {{id}},
    player_id    BIGINT NOT NULL,
    token_hash   {{short}} NOT NULL,
    label        {{key}} NOT NULL,
    created_at   {{time}} NOT NULL,
    last_used_at {{time}},
    CONSTRAINT import_tokens_hash UNIQUE (token_hash),
    FOREIGN KEY (player_id) REFERENCES players (id)
){{table}};

CREATE INDEX import_tokens_player ON import_tokens (player_id);

CREATE TABLE site_logins (
    id          {{id}},
    player_id   BIGINT NOT NULL,
    region      {{short}} NOT NULL,
    sealed      {{blob}} NOT NULL,
    every_hours INTEGER NOT NULL,
    enabled     SMALLINT NOT NULL,
    stored_at   {{time}} NOT NULL,
    next_run_at {{time}},
    last_run_at {{time}},
    last_result {{text}} NOT NULL,
    last_error  {{text}} NOT NULL,
    CONSTRAINT site_logins_player UNIQUE (player_id),
    FOREIGN KEY (player_id) REFERENCES players (id)
){{table}};

CREATE INDEX site_logins_due ON site_logins (enabled, next_run_at);
