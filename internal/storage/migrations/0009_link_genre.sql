-- A chart link is also told apart by the genre the page showed, so the two
-- songs titled "Link" (niconico＆VOCALOID™ and maimai) link to their own
-- charts; '' when the page did not show it, as every link before this.
-- Rebuilt like 0008 (a unique key cannot change in place in SQLite): create,
-- copy, drop, rename. Ids are not copied: nothing refers to them.
CREATE TABLE chart_links_v9 (
    id         {{id}},
    region     {{short}} NOT NULL,
    title      {{key}} NOT NULL,
    chart_type {{short}} NOT NULL,
    difficulty {{short}} NOT NULL,
    genre      {{short}} NOT NULL,
    chart_id   BIGINT,
    status     {{short}} NOT NULL,
    reason     {{text}} NOT NULL,
    updated_at {{time}} NOT NULL,
    CONSTRAINT chart_links_chart_genre UNIQUE (region, title, chart_type, difficulty, genre),
    FOREIGN KEY (chart_id) REFERENCES charts (id)
){{table}};

INSERT INTO chart_links_v9 (region, title, chart_type, difficulty, genre, chart_id, status, reason, updated_at)
SELECT region, title, chart_type, difficulty, '', chart_id, status, reason, updated_at FROM chart_links ORDER BY id;

DROP TABLE chart_links;

ALTER TABLE chart_links_v9 RENAME TO chart_links;
