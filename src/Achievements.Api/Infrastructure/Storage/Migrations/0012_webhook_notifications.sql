-- Notifications (docs/notifications.md, decision 0020). A change writes one outbox row in its own transaction; the
-- dispatcher fans each row out into a delivery per subscription that wants its type, then sends the deliveries.
-- A subscription's secret is protected with Data Protection, as the GitHub webhook's is: never stored in the clear.

CREATE TABLE webhook_subscriptions (
    id               INTEGER PRIMARY KEY,
    url              TEXT NOT NULL,
    events           TEXT NOT NULL,      -- JSON array of event types
    format           TEXT NOT NULL,      -- standard | slack
    protected_secret TEXT NOT NULL,
    status           TEXT NOT NULL,      -- active | disabled (the endpoint answered 410 Gone)
    disabled_reason  TEXT NULL,
    next_send_at     TEXT NOT NULL,      -- nothing is sent to it before: a failure's backoff, a Slack digest's interval
    claimed_until    TEXT NULL,          -- an instance is sending to it until then (a lease: a killed instance loses it)
    claim_token      TEXT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE TABLE notification_outbox (
    id         INTEGER PRIMARY KEY,
    type       TEXT NOT NULL,            -- award.granted | award.upgraded | ... | flag.raised
    payload    TEXT NOT NULL,            -- the delivery's body: {"type", "timestamp", "data"}
    created_at TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    message_id       TEXT NOT NULL UNIQUE, -- the webhook-id header: the same on every attempt, so receivers can dedupe
    subscription_id  INTEGER NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    type             TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL,        -- pending | delivered | failed | cancelled
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_status_code INTEGER NULL,
    last_error       TEXT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (subscription_id, status, next_attempt_at, id);
CREATE INDEX ix_webhook_deliveries_finished ON webhook_deliveries (status, updated_at);
