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

CREATE INDEX ix_spend_weeks_week ON spend_weeks (week);
CREATE INDEX ix_outcome_weeks_week ON outcome_weeks (week);

-- Token reports may say what they cost (OpenTelemetry's cost_usd from AI coding tools, a gateway's bill).
UPDATE signals SET attributes = json_insert(attributes, '$[#]', json('{"name":"cost_usd","type":"number","optional":true,"signed":false}'))
WHERE type = 'tokens.consumed' AND built_in = 1
  AND NOT EXISTS (SELECT 1 FROM json_each(signals.attributes) WHERE json_extract(value, '$.name') = 'cost_usd');
