-- Scoped tokens and the read API's request budgets. A token may import
-- (1), read (2) or both (3), for its one player; every token made before
-- this migration was an import token and stays one.
ALTER TABLE import_tokens ADD COLUMN scopes SMALLINT NOT NULL DEFAULT 1;

-- A request budget under any key ("token:ID" for a token, "ip:ADDR" for a
-- caller without one), hashed: the same one-integer cell rate algorithm as
-- import_token_budgets, so every server on the archive shares it. A row
-- whose full_us has passed is a full budget and may be deleted.
CREATE TABLE api_budgets (
    id       {{id}},
    key_hash {{short}} NOT NULL,
    full_us  BIGINT NOT NULL,
    CONSTRAINT api_budgets_key UNIQUE (key_hash)
){{table}};

CREATE INDEX api_budgets_full ON api_budgets (full_us);
