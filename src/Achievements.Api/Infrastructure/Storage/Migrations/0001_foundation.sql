-- Foundation: employees, API keys, the signal catalog and the raw event log.
-- Times are UTC text in one fixed-width format (yyyy-MM-ddTHH:mm:ss.fffffffZ), so text order is time order.

CREATE TABLE employees (
    id           TEXT PRIMARY KEY,
    display_name TEXT NULL,
    team         TEXT NULL,
    is_bot       INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    secret_hash BLOB NOT NULL,
    role        TEXT NOT NULL,
    subject     TEXT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT NULL
);

CREATE TABLE signals (
    type         TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    description  TEXT NOT NULL,
    attributes   TEXT NOT NULL, -- JSON: [{ name, type, optional, signed }]
    settlement   TEXT NULL,     -- a duration such as 7d; NULL settles at once
    corrected_by TEXT NULL,     -- JSON: { signal, on }
    daily_cap    INTEGER NULL,
    qualify      TEXT NOT NULL, -- JSON: [{ name, condition }]
    built_in     INTEGER NOT NULL,
    updated_at   TEXT NOT NULL
);

-- The raw event log. Ingestion only ever inserts; (source, event_id) makes a replay a no-op.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    type        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    attributes  TEXT NOT NULL, -- JSON object, as validated against the signal's schema
    UNIQUE (source, event_id)
);

CREATE INDEX ix_events_actor_type_time ON events (actor, type, occurred_at);
