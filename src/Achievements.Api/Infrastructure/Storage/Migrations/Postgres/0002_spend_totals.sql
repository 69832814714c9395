-- SQLite's 0009: a tool's token metric is a total over many requests that the same tool also reports request by
-- request; such a report says so (aggregate), and counts only where the per-request reports are missing.
UPDATE signals
SET attributes = (CAST(attributes AS jsonb) || '[{"name":"aggregate","type":"bool","optional":true,"signed":false}]'::jsonb)::text
WHERE type = 'tokens.consumed' AND built_in = 1
  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(CAST(signals.attributes AS jsonb)) AS a WHERE a ->> 'name' = 'aggregate');
