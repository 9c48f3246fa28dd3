-- Provenance: every best score and score history step says where it came
-- from. source is what the archive read it off: a DX NET page kind
-- ("dxnet:scores", "dxnet:record", …) or another tool's file
-- ("divingfish-json", "lxns-csv", …), '' for rows made before this
-- migration; source_page_id the stored page or file (pages.id) that last
-- raised the best; source_at when that source says the score was set or
-- seen. A foreign file's claim and a real page are told apart by source,
-- which the conflict rules of docs/interchange.md use.
ALTER TABLE best_scores ADD COLUMN source {{short}} NOT NULL DEFAULT '';
ALTER TABLE best_scores ADD COLUMN source_page_id BIGINT;
ALTER TABLE best_scores ADD COLUMN source_at {{time}};
ALTER TABLE score_history ADD COLUMN source {{short}} NOT NULL DEFAULT '';
