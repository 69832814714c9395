-- Real sources: GitHub webhooks, the identities that name employees in other systems, and the events held until
-- their people are mapped. Times are UTC text in the fixed-width format of 0001.

-- ASP.NET Core Data Protection's key ring, in the database, so that every start of the app (and a restore of the
-- file) can read what an earlier start protected. One row per key element, as IXmlRepository stores them.
CREATE TABLE data_protection_keys (
    friendly_name TEXT PRIMARY KEY,
    xml           TEXT NOT NULL
);

-- The one GitHub integration: the webhook secret, protected with Data Protection, never stored in the clear.
CREATE TABLE github_integration (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    protected_secret      TEXT NOT NULL,
    auto_create_employees INTEGER NOT NULL DEFAULT 0,
    updated_at            TEXT NOT NULL
);

-- Deliveries acted on, by X-GitHub-Delivery: a redelivery is a duplicate and changes nothing.
CREATE TABLE github_deliveries (
    delivery_id TEXT PRIMARY KEY,
    event       TEXT NOT NULL,
    action      TEXT NOT NULL,
    received_at TEXT NOT NULL
);

-- Approvals waiting for their pull request's merge (GitHub's merged payload names no reviewers). A dismissal deletes
-- its approval; the merge turns the rest into review.approved events and deletes them. Only what the mapping needs.
CREATE TABLE github_approvals (
    review_id      TEXT PRIMARY KEY,
    pr_id          TEXT NOT NULL,
    reviewer_id    TEXT NOT NULL,
    reviewer_login TEXT NOT NULL,
    submitted_at   TEXT NOT NULL,
    received_at    TEXT NOT NULL
);

CREATE INDEX ix_github_approvals_pr ON github_approvals (pr_id);

-- Who an employee is elsewhere: a provider's id for them (GitHub's numeric user id, an email address) and, where the
-- provider has one, a login to match by when the id is unknown. An identity belongs to one employee.
CREATE TABLE employee_identities (
    provider    TEXT NOT NULL,
    identity_id TEXT NOT NULL,
    login       TEXT NULL,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    PRIMARY KEY (provider, identity_id)
);

CREATE UNIQUE INDEX ix_employee_identities_login ON employee_identities (provider, lower(login)) WHERE login IS NOT NULL;
CREATE INDEX ix_employee_identities_employee ON employee_identities (employee_id);

-- Events a source sent about people no identity maps yet: kept, not in events, until an admin maps them. The event is
-- stored with its people as the source named them (JSON), and each person it still waits for has a row below.
CREATE TABLE unmapped_events (
    source      TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    event       TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (source, event_id)
);

CREATE TABLE unmapped_event_people (
    source      TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    provider    TEXT NOT NULL,
    identity_id TEXT NOT NULL,
    login       TEXT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (source, event_id, provider, identity_id),
    FOREIGN KEY (source, event_id) REFERENCES unmapped_events (source, event_id) ON DELETE CASCADE
);

CREATE INDEX ix_unmapped_event_people_identity ON unmapped_event_people (provider, identity_id);
CREATE INDEX ix_unmapped_event_people_login ON unmapped_event_people (provider, lower(login));
