-- Jackets: the site's song images, stored once for every player (the same
-- file is the same picture in every region and for every player), so pages
-- show them without asking the site.
CREATE TABLE jackets (
    id           {{id}},
    file         {{short}} NOT NULL,
    content_type {{short}} NOT NULL,
    size         BIGINT NOT NULL,
    fetched_at   {{time}} NOT NULL,
    data         {{blob}} NOT NULL,
    CONSTRAINT jackets_file UNIQUE (file)
){{table}};

-- Which jacket file the pages drew beside a title (record plays,
-- playlogDetail, musicDetail): the index from a song to its jacket. A
-- title with two jackets (two songs of one title) has two rows.
CREATE TABLE jacket_names (
    id     {{id}},
    region {{short}} NOT NULL,
    title  {{key}} NOT NULL,
    file   {{short}} NOT NULL,
    CONSTRAINT jacket_names_title UNIQUE (region, title, file)
){{table}};

INSERT INTO jacket_names (region, title, file)
    SELECT DISTINCT region, title, jacket FROM plays
    WHERE jacket <> '' AND LENGTH(jacket) <= 64;
