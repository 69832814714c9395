-- Badges and their versions, awards with their history, the durable evaluation queue and the audit log.

CREATE TABLE badges (
    key          TEXT PRIMARY KEY,
    status       TEXT NOT NULL,      -- draft (never published) | published | archived
    live_version INTEGER NULL,       -- the version evaluation runs; NULL until first published
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE badge_versions (
    badge_key    TEXT NOT NULL REFERENCES badges (key),
    version      INTEGER NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    icon         TEXT NOT NULL,
    metric       TEXT NOT NULL,
    requires     TEXT NOT NULL,      -- JSON array of rule sources
    tiers        TEXT NOT NULL,      -- JSON array of { name, threshold }, thresholds increasing
    created_at   TEXT NOT NULL,
    published_at TEXT NULL,
    PRIMARY KEY (badge_key, version)
);

-- One row per employee and badge: the highest tier reached. The unique key is what keeps two
-- concurrent evaluations from granting the same badge twice.
CREATE TABLE awards (
    id            INTEGER PRIMARY KEY,
    employee_id   TEXT NOT NULL REFERENCES employees (id),
    badge_key     TEXT NOT NULL REFERENCES badges (key),
    status        TEXT NOT NULL,     -- active | held | revoked
    tier          TEXT NULL,         -- NULL once revoked
    tier_rank     INTEGER NOT NULL,  -- 0 = lowest tier; -1 once revoked
    badge_version INTEGER NOT NULL,
    value         REAL NOT NULL,
    awarded_at    TEXT NOT NULL,     -- when the current tier was reached
    evidence      TEXT NOT NULL,     -- JSON array of event seqs that counted
    blocked       INTEGER NOT NULL DEFAULT 0, -- revoked by an admin: never granted again until restored
    reason        TEXT NULL,         -- why it was last revoked or downgraded
    updated_at    TEXT NOT NULL,
    UNIQUE (employee_id, badge_key)
);

CREATE INDEX ix_awards_badge ON awards (badge_key, status, tier_rank);

CREATE TABLE award_history (
    id            INTEGER PRIMARY KEY,
    employee_id   TEXT NOT NULL,
    badge_key     TEXT NOT NULL,
    action        TEXT NOT NULL,     -- granted | upgraded | downgraded | revoked | restored
    tier          TEXT NULL,
    badge_version INTEGER NOT NULL,
    value         REAL NOT NULL,
    reason        TEXT NULL,
    at            TEXT NOT NULL
);

CREATE INDEX ix_award_history_employee ON award_history (employee_id, badge_key, id);

-- Employees waiting for evaluation. Written in the same transaction as the events that caused it,
-- so a restart loses nothing; re-enqueueing an employee already waiting changes nothing.
CREATE TABLE evaluation_queue (
    employee_id TEXT PRIMARY KEY,
    enqueued_at TEXT NOT NULL
);

-- Small durable facts the evaluator keeps between runs (the last settlement sweep).
CREATE TABLE evaluation_state (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,       -- the key id of the admin, or 'system' for evaluation
    action      TEXT NOT NULL,
    employee_id TEXT NULL,
    badge_key   TEXT NULL,
    details     TEXT NOT NULL        -- JSON object
);

CREATE INDEX ix_audit_employee ON audit_log (employee_id, id);
CREATE INDEX ix_audit_badge ON audit_log (badge_key, id);
CREATE INDEX ix_events_type_time ON events (type, occurred_at);

-- Corrections are found by the attribute they match on; these serve the built-in ones
-- (pr.reverted and pr.merged on pr_id, suggestion.discarded and suggestion.accepted on suggestion_id).
CREATE INDEX ix_events_pr_id ON events (type, json_extract(attributes, '$.pr_id'));
CREATE INDEX ix_events_suggestion_id ON events (type, json_extract(attributes, '$.suggestion_id'));
