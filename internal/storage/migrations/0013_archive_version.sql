-- The archive's version: one counter that every write transaction which
-- changed a row raises before it commits (DB.update), so a web server can
-- cache what it rendered under it and know, with one indexed read, whether
-- anything changed since — also a change made by another server process
-- or instance on the same database.
CREATE TABLE archive_version (
    id SMALLINT NOT NULL PRIMARY KEY,
    n  BIGINT NOT NULL
){{table}};

INSERT INTO archive_version (id, n) VALUES (1, 1);
