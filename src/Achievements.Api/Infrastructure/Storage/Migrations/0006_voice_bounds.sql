-- Voice bounds that leave a team of five alone: a strong developer merges about 75 pull requests a year, about 23
-- per colleague, and 0005's 20 cut off the rest and broke their weekly streaks. Only the built-in defaults move;
-- a bound an admin has changed stays as it is. Compared field by field: seeding and 0005 wrote the JSON differently.
UPDATE signals SET voices = '{"from":"reviewers","perVoice":30,"window":"365d","breadth":3}'
WHERE type = 'pr.merged' AND built_in = 1 AND json_extract(voices, '$.from') = 'reviewers'
  AND json_extract(voices, '$.perVoice') = 20 AND json_extract(voices, '$.window') = '365d' AND json_extract(voices, '$.breadth') = 3;

UPDATE signals SET voices = '{"from":"author","perVoice":25,"window":"180d","breadth":3}'
WHERE type = 'review.approved' AND built_in = 1 AND json_extract(voices, '$.from') = 'author'
  AND json_extract(voices, '$.perVoice') = 20 AND json_extract(voices, '$.window') = '180d' AND json_extract(voices, '$.breadth') = 3;

-- Below Suggestion Savant's new silver (100 shipped suggestions in 90 days).
UPDATE signals SET voices = '{"from":"shippedBy","perVoice":90,"window":"90d","breadth":3}'
WHERE type = 'suggestion.accepted' AND built_in = 1 AND json_extract(voices, '$.from') = 'shippedBy'
  AND json_extract(voices, '$.perVoice') = 250 AND json_extract(voices, '$.window') = '90d' AND json_extract(voices, '$.breadth') = 3;
