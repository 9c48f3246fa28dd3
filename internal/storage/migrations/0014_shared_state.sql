-- What every server on one archive must agree on, so that any number of
-- them behind a load balancer (or a function platform's copies) act as
-- one: failed password and import-token tries, each import token's request
-- budget, the first-run setup token, and leases on scheduled work. None of
-- it is archive data, so writing it does not raise the archive version.

-- Failed tries per key: a hash of "ip:ADDR", "user:NAME" or "api:ADDR"
-- (never the name itself: people type passwords into the name field).
CREATE TABLE throttle_failures (
    id       {{id}},
    key_hash {{short}} NOT NULL,
    n        INTEGER NOT NULL,
    last_at  {{time}} NOT NULL,
    CONSTRAINT throttle_failures_key UNIQUE (key_hash)
){{table}};

CREATE INDEX throttle_failures_last ON throttle_failures (last_at);

-- An import token's request budget as one number (the generic cell rate
-- algorithm): the time, in microseconds since 1970, at which its budget is
-- full again. An integer, so one UPDATE can both test and spend it.
CREATE TABLE import_token_budgets (
    id       {{id}},
    token_id BIGINT NOT NULL,
    full_us  BIGINT NOT NULL,
    CONSTRAINT import_token_budgets_token UNIQUE (token_id),
    FOREIGN KEY (token_id) REFERENCES import_tokens (id) ON DELETE CASCADE
){{table}};

-- The first-run setup token, while the archive has no user: made by the
-- first server to start, shown in every server's log, deleted when used.
CREATE TABLE setup_token (
    id         SMALLINT NOT NULL PRIMARY KEY,
    token      {{short}} NOT NULL,
    created_at {{time}} NOT NULL
){{table}};

-- A lease on a piece of scheduled work ("fetch:PLAYER"): whoever holds it
-- until expires_at runs it; a holder that dies stops renewing it, and the
-- work is taken again once it has expired.
CREATE TABLE leases (
    id         {{id}},
    name       {{key}} NOT NULL,
    holder     {{short}} NOT NULL,
    expires_at {{time}} NOT NULL,
    CONSTRAINT leases_name UNIQUE (name)
){{table}};
