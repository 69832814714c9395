-- One outcome, one count (issue 25): the same as SQLite's 0015. Units of work and attribution by evidence in a
-- signal's policy; the built-in merge gains the attributes they read; ai.evidence is seeded at start.
ALTER TABLE signals ADD COLUMN units TEXT COLLATE "C" NULL;       -- JSON: { lines, gap, by }
ALTER TABLE signals ADD COLUMN attribution TEXT COLLATE "C" NULL; -- JSON: { attribute, claim }

UPDATE signals SET attributes = (attributes::jsonb || '[{"name":"ai_claimed","type":"bool","optional":true,"signed":false},{"name":"lines_moved","type":"int","optional":true,"signed":false},{"name":"merge_commit_sha","type":"string","optional":true,"signed":false}]'::jsonb)::text
WHERE type = 'pr.merged' AND built_in = 1
  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(signals.attributes::jsonb) AS a WHERE a->>'name' = 'ai_claimed');

UPDATE signals SET units = '{"lines":80,"gap":"72h","by":null}', attribution = '{"attribute":"ai_assisted","claim":"ai_claimed"}'
WHERE type = 'pr.merged' AND built_in = 1;

UPDATE signals SET units = '{"lines":80,"gap":"72h","by":"author"}'
WHERE type = 'review.approved' AND built_in = 1;
