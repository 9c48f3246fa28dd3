-- Each play's judgement table and FAST/LATE beside its detail, as the short
-- text analysis.Encode writes (27 numbers), so the judgement analysis reads
-- a few bytes a play instead of decoding every detail's JSON. Filled at
-- import; plays imported before this migration are filled by the first
-- analysis that finds them without it (archive.JudgementSamples).
ALTER TABLE plays ADD judgements {{key}};
