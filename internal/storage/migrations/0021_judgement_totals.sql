-- The judgement analysis's sums per player, kept at import in the same
-- transaction as the play_judgements row they add (storage.addJudgementTotals),
-- so the analysis page reads a few dozen rows instead of every play with a
-- detail: per calendar month (in the play's region's clock) and per chart.
-- Losses are whole units of 1e-10 percentage points (analysis.LossUnits),
-- so sums do not depend on the order they were taken in.
--
-- judgement_state.judged counts the play_judgements rows the sums cover.
-- A reader compares it with the rows there are: archives from before
-- this migration (and plays whose judgements were '' until their first
-- analysis) differ, and that reader rebuilds the sums from
-- play_judgements once. Every writer of the sums updates this row first,
-- so on MariaDB and PostgreSQL it is also the lock that keeps a rebuild
-- and an import of the same player from interleaving. A reparse or split
-- deletes them all with the plays (storage.DeleteDerived).
--
-- No foreign key to players: on MariaDB the key check of an insert here
-- takes a shared lock on the player's row, which an import of the player
-- may hold (it updates that row) while it waits for the state row that
-- a rebuild holds: a deadlock. Players are never deleted, and these rows
-- go with the plays they sum.
--
-- levels_stamp says what judgement_levels were computed from (the sums'
-- rows, the region's chart data and links; NULL: not yet): a level comes
-- from the song data, which a sync or a newly linked chart changes, so
-- the sums by level are recomputed from judgement_charts when the stamp
-- differs, and read as they are while it does not.
CREATE TABLE judgement_state (
    player_id    BIGINT NOT NULL,
    judged       BIGINT NOT NULL,
    -- raised by every writer, so its UPDATE always changes the row and
    -- MariaDB (which counts changed rows) says it found it.
    seq          BIGINT NOT NULL DEFAULT 0,
    levels_stamp {{key}},
    PRIMARY KEY (player_id)
){{table}};

-- month is "2026-03", the calendar month of played_at in the region's
-- clock.
CREATE TABLE judgement_months (
    player_id   BIGINT NOT NULL,
    month       {{short}} NOT NULL,
    plays       BIGINT NOT NULL,
    achievement BIGINT NOT NULL,
    fast        BIGINT NOT NULL,
    late        BIGINT NOT NULL,
    tap_notes BIGINT NOT NULL, tap_great BIGINT NOT NULL, tap_good BIGINT NOT NULL, tap_miss BIGINT NOT NULL, tap_loss BIGINT NOT NULL,
    hold_notes BIGINT NOT NULL, hold_great BIGINT NOT NULL, hold_good BIGINT NOT NULL, hold_miss BIGINT NOT NULL, hold_loss BIGINT NOT NULL,
    slide_notes BIGINT NOT NULL, slide_great BIGINT NOT NULL, slide_good BIGINT NOT NULL, slide_miss BIGINT NOT NULL, slide_loss BIGINT NOT NULL,
    touch_notes BIGINT NOT NULL, touch_great BIGINT NOT NULL, touch_good BIGINT NOT NULL, touch_miss BIGINT NOT NULL, touch_loss BIGINT NOT NULL,
    break_notes BIGINT NOT NULL, break_great BIGINT NOT NULL, break_good BIGINT NOT NULL, break_miss BIGINT NOT NULL, break_loss BIGINT NOT NULL,
    PRIMARY KEY (player_id, month)
){{table}};

-- One row per chart the player has a detail of. region and level are the
-- newest play's (level as its page showed it; the analysis prefers the
-- song data's, joined when read), last_at its time. The index on plays
-- gives the charts played most without reading the others.
CREATE TABLE judgement_charts (
    player_id   BIGINT NOT NULL,
    title       {{key}} NOT NULL,
    chart_type  {{short}} NOT NULL,
    difficulty  {{short}} NOT NULL,
    region      {{short}} NOT NULL,
    level       {{short}} NOT NULL,
    last_at     {{time}} NOT NULL,
    plays       BIGINT NOT NULL,
    achievement BIGINT NOT NULL,
    fast        BIGINT NOT NULL,
    late        BIGINT NOT NULL,
    tap_notes BIGINT NOT NULL, tap_great BIGINT NOT NULL, tap_good BIGINT NOT NULL, tap_miss BIGINT NOT NULL, tap_loss BIGINT NOT NULL,
    hold_notes BIGINT NOT NULL, hold_great BIGINT NOT NULL, hold_good BIGINT NOT NULL, hold_miss BIGINT NOT NULL, hold_loss BIGINT NOT NULL,
    slide_notes BIGINT NOT NULL, slide_great BIGINT NOT NULL, slide_good BIGINT NOT NULL, slide_miss BIGINT NOT NULL, slide_loss BIGINT NOT NULL,
    touch_notes BIGINT NOT NULL, touch_great BIGINT NOT NULL, touch_good BIGINT NOT NULL, touch_miss BIGINT NOT NULL, touch_loss BIGINT NOT NULL,
    break_notes BIGINT NOT NULL, break_great BIGINT NOT NULL, break_good BIGINT NOT NULL, break_miss BIGINT NOT NULL, break_loss BIGINT NOT NULL,
    PRIMARY KEY (player_id, title, chart_type, difficulty)
){{table}};

CREATE INDEX judgement_charts_plays ON judgement_charts (player_id, plays);

-- The charts' sums by level (the song data's, else the newest play's
-- page's) as of judgement_state.levels_stamp, with how many of the charts
-- had no chart link then.
CREATE TABLE judgement_levels (
    player_id   BIGINT NOT NULL,
    level       {{short}} NOT NULL,
    unlinked    BIGINT NOT NULL,
    plays       BIGINT NOT NULL,
    achievement BIGINT NOT NULL,
    fast        BIGINT NOT NULL,
    late        BIGINT NOT NULL,
    tap_notes BIGINT NOT NULL, tap_great BIGINT NOT NULL, tap_good BIGINT NOT NULL, tap_miss BIGINT NOT NULL, tap_loss BIGINT NOT NULL,
    hold_notes BIGINT NOT NULL, hold_great BIGINT NOT NULL, hold_good BIGINT NOT NULL, hold_miss BIGINT NOT NULL, hold_loss BIGINT NOT NULL,
    slide_notes BIGINT NOT NULL, slide_great BIGINT NOT NULL, slide_good BIGINT NOT NULL, slide_miss BIGINT NOT NULL, slide_loss BIGINT NOT NULL,
    touch_notes BIGINT NOT NULL, touch_great BIGINT NOT NULL, touch_good BIGINT NOT NULL, touch_miss BIGINT NOT NULL, touch_loss BIGINT NOT NULL,
    break_notes BIGINT NOT NULL, break_great BIGINT NOT NULL, break_good BIGINT NOT NULL, break_miss BIGINT NOT NULL, break_loss BIGINT NOT NULL,
    PRIMARY KEY (player_id, level)
){{table}};
