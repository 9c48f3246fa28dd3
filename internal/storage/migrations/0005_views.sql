-- The web pages read a chart's plays in time order (chart page, diff,
-- sessions' new bests) and the newest photos first.
CREATE INDEX plays_chart ON plays (player_id, title, chart_type, difficulty, played_at);

CREATE INDEX photos_taken ON photos (player_id, taken_at);
