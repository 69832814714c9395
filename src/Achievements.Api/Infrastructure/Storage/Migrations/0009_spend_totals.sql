-- A tool's token metric is a total over many requests that the same tool also reports request by request: such a
-- report says so (aggregate), and counts only where the per-request reports are missing.
UPDATE signals SET attributes = json_insert(attributes, '$[#]', json('{"name":"aggregate","type":"bool","optional":true,"signed":false}'))
WHERE type = 'tokens.consumed' AND built_in = 1
  AND NOT EXISTS (SELECT 1 FROM json_each(signals.attributes) WHERE json_extract(value, '$.name') = 'aggregate');
