-- Corroborated outcomes: a signal's policy may ask that its outcomes ship (an approval's pull request merged, an
-- accepted suggestion's pull request merged), that someone other than the author vouch for them (voices), and,
-- for volume, which sources an employee cannot suppress.
ALTER TABLE signals ADD COLUMN shipped_by TEXT NULL;  -- JSON: { signal, on, actor, within, lines, upTo }
ALTER TABLE signals ADD COLUMN voices TEXT NULL;      -- JSON: { from, perVoice, window, breadth }
ALTER TABLE signals ADD COLUMN authoritative_sources TEXT NOT NULL DEFAULT '[]'; -- JSON: [source, ...]

-- The built-in signals take the new defaults (a new database gets them from the seed instead).
UPDATE signals SET authoritative_sources = '["gateway"]'
WHERE type = 'tokens.consumed' AND built_in = 1;

UPDATE signals SET
    description = 'An AI suggestion the employee accepted into code that shipped: a pull request of theirs that merged and counted.',
    attributes = json_insert(attributes, '$[#]', json('{"name":"pr_id","type":"string","optional":true,"signed":false}')),
    shipped_by = '{"signal":"pr.merged","on":"pr_id","actor":"same","within":"30d","lines":"lines","upTo":"lines_added"}',
    voices = '{"from":"shippedBy","perVoice":250,"window":"90d","breadth":3}'
WHERE type = 'suggestion.accepted' AND built_in = 1
  AND NOT EXISTS (SELECT 1 FROM json_each(signals.attributes) WHERE json_extract(value, '$.name') = 'pr_id');

UPDATE signals SET voices = '{"from":"reviewers","perVoice":20,"window":"365d","breadth":3}'
WHERE type = 'pr.merged' AND built_in = 1;

UPDATE signals SET
    description = 'The employee approved someone else''s pull request, which then merged and was not reverted.',
    corrected_by = '{"signal":"pr.reverted","on":"pr_id"}',
    shipped_by = '{"signal":"pr.merged","on":"pr_id","actor":"author","within":"30d"}',
    voices = '{"from":"author","perVoice":20,"window":"180d","breadth":3}'
WHERE type = 'review.approved' AND built_in = 1;
