-- One outcome, one count (issue 25). A signal's policy gains units of work (outcomes close together are one piece of
-- work however they are sliced) and attribution by evidence (an attribute decided by evidence; what the source posted
-- under it is kept as a claim). The built-in merge gains the attributes these read; the built-in evidence signal,
-- ai.evidence, is seeded at start like every missing built-in. Only built-in rows an admin has not given units or
-- attribution are changed.
ALTER TABLE signals ADD COLUMN units TEXT NULL;       -- JSON: { lines, gap, by }
ALTER TABLE signals ADD COLUMN attribution TEXT NULL; -- JSON: { attribute, claim }

UPDATE signals SET attributes = json_insert(json_insert(json_insert(attributes,
        '$[#]', json('{"name":"ai_claimed","type":"bool","optional":true,"signed":false}')),
        '$[#]', json('{"name":"lines_moved","type":"int","optional":true,"signed":false}')),
        '$[#]', json('{"name":"merge_commit_sha","type":"string","optional":true,"signed":false}'))
WHERE type = 'pr.merged' AND built_in = 1
  AND NOT EXISTS (SELECT 1 FROM json_each(signals.attributes) WHERE json_extract(value, '$.name') = 'ai_claimed');

UPDATE signals SET units = '{"lines":80,"gap":"72h","by":null}', attribution = '{"attribute":"ai_assisted","claim":"ai_claimed"}'
WHERE type = 'pr.merged' AND built_in = 1;

UPDATE signals SET units = '{"lines":80,"gap":"72h","by":"author"}'
WHERE type = 'review.approved' AND built_in = 1;
