-- Sync to other probers (diving-fish, Lxns). prober_syncs holds, per
-- player and service, the player's token for that service sealed with the
-- server's secret key (NULL when only the command line syncs, with a token
-- it reads from a file), the schedule, and the last outcome.
-- prober_sync_sent is the resume state: one row per item the service has
-- accepted (a chart's best for diving-fish, a play for Lxns), keyed by a
-- hash of the item's identity, with a hash of what was sent. A row is
-- written only after the service accepted the batch holding the item, so an
-- interrupted sync resends exactly what was not accepted.

CREATE TABLE prober_syncs (
    id          {{id}},
    player_id   BIGINT NOT NULL,
    service     {{short}} NOT NULL,
    sealed      {{blob}},
    every_hours INTEGER NOT NULL,
    enabled     SMALLINT NOT NULL,
    stored_at   {{time}} NOT NULL,
    next_run_at {{time}},
    last_run_at {{time}},
    last_ok_at  {{time}},
    last_result {{text}} NOT NULL,
    last_error  {{text}} NOT NULL,
    CONSTRAINT prober_syncs_player UNIQUE (player_id, service),
    FOREIGN KEY (player_id) REFERENCES players (id)
){{table}};

CREATE INDEX prober_syncs_due ON prober_syncs (enabled, next_run_at);

CREATE TABLE prober_sync_sent (
    id        {{id}},
    player_id BIGINT NOT NULL,
    service   {{short}} NOT NULL,
    item_key  {{short}} NOT NULL,
    item_hash {{short}} NOT NULL,
    sent_at   {{time}} NOT NULL,
    CONSTRAINT prober_sync_sent_item UNIQUE (player_id, service, item_key),
    FOREIGN KEY (player_id) REFERENCES players (id)
){{table}};
