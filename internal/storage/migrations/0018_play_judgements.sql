-- Each play's judgement table and FAST/LATE beside its detail, as the short
-- text analysis.Encode writes (27 numbers), with what the judgement
-- analysis reads of the play, so the analysis reads a small table of only
-- the plays with a detail (its rows close together) instead of finding
-- them among every play and decoding each detail's JSON. Written at
-- import with the detail; deleted with the play. The plays that had a
-- detail before get '' ("to be computed"), which the first analysis of
-- their player replaces from the detail (archive.JudgementSamples): SQL
-- cannot read the JSON alike on every database.
CREATE TABLE play_judgements (
    play_id     BIGINT NOT NULL,
    player_id   BIGINT NOT NULL,
    region      {{short}} NOT NULL,
    played_at   {{time}} NOT NULL,
    title       {{key}} NOT NULL,
    chart_type  {{short}} NOT NULL,
    difficulty  {{short}} NOT NULL,
    level       {{short}} NOT NULL,
    achievement INTEGER NOT NULL,
    judgements  {{key}} NOT NULL,
    PRIMARY KEY (play_id),
    FOREIGN KEY (play_id) REFERENCES plays (id) ON DELETE CASCADE
){{table}};

CREATE INDEX play_judgements_player ON play_judgements (player_id);

INSERT INTO play_judgements (play_id, player_id, region, played_at, title, chart_type, difficulty, level, achievement, judgements)
SELECT id, player_id, region, played_at, title, chart_type, difficulty, level, achievement, '' FROM plays WHERE detail IS NOT NULL;
