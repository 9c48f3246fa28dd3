-- The web pages read a chart's plays in time order (chart page, diff,
-- sessions' new bests), page through plays of one difficulty newest first,
-- find the profile saved before or after a time, and list the newest
-- photos first.
CREATE INDEX plays_chart ON plays (player_id, title, chart_type, difficulty, played_at);

CREATE INDEX plays_difficulty ON plays (player_id, difficulty, played_at);

CREATE INDEX snapshots_time ON snapshots (player_id, observed_at);

CREATE INDEX photos_taken ON photos (player_id, taken_at);
