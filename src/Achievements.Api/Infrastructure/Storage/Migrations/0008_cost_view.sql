-- The cost view: what each employee's weeks cost and what they delivered, reduced by every evaluation so that the
-- view is one aggregation over teams instead of re-judging everyone's history. Rows for the last 53 weeks.
CREATE TABLE spend_weeks (
    employee_id TEXT NOT NULL REFERENCES employees (id),
    week        TEXT NOT NULL,  -- the Monday (UTC), yyyy-MM-dd
    model       TEXT NOT NULL,  -- '' when the source named none
    tokens      REAL NOT NULL,
    cost_usd    REAL NULL,      -- null when no report of the week carried a cost
    PRIMARY KEY (employee_id, week, model)
) WITHOUT ROWID;

CREATE TABLE outcome_weeks (
    employee_id TEXT NOT NULL REFERENCES employees (id),
    week        TEXT NOT NULL,
    outcomes    INTEGER NOT NULL,
    PRIMARY KEY (employee_id, week)
) WITHOUT ROWID;

-- No index by week: every evaluation rewrites an employee's rows, and a second b-tree per table made that cost more
-- than the cost view's scan of about a hundred rows per employee saves.

-- Token reports may say what they cost (OpenTelemetry's cost_usd from AI coding tools, a gateway's bill).
UPDATE signals SET attributes = json_insert(attributes, '$[#]', json('{"name":"cost_usd","type":"number","optional":true,"signed":false}'))
WHERE type = 'tokens.consumed' AND built_in = 1
  AND NOT EXISTS (SELECT 1 FROM json_each(signals.attributes) WHERE json_extract(value, '$.name') = 'cost_usd');
