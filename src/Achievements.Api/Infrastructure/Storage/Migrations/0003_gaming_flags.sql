-- Findings of the gaming detectors, and the ring approvals an admin confirmed as collusion.

CREATE TABLE flags (
    id           INTEGER PRIMARY KEY,
    detector     TEXT NOT NULL,      -- review-ring | burst | token-burn
    finding      TEXT NOT NULL,      -- detector + sorted employees: the same finding is not flagged twice while open
    employees    TEXT NOT NULL,      -- JSON array of employee ids
    score        REAL NOT NULL,
    window_start TEXT NOT NULL,
    window_end   TEXT NOT NULL,
    evidence     TEXT NOT NULL,      -- JSON object
    status       TEXT NOT NULL,      -- open | dismissed | confirmed
    note         TEXT NULL,
    created_at   TEXT NOT NULL,
    resolved_at  TEXT NULL
);

CREATE UNIQUE INDEX ux_flags_open_finding ON flags (finding) WHERE status = 'open';
CREATE INDEX ix_flags_status ON flags (status, id);

-- One row per flagged employee, so "does this employee have an open hold?" is one indexed lookup.
CREATE TABLE flag_members (
    flag_id     INTEGER NOT NULL REFERENCES flags (id),
    employee_id TEXT NOT NULL,
    PRIMARY KEY (flag_id, employee_id)
);

CREATE INDEX ix_flag_members_employee ON flag_members (employee_id);

-- Approvals between members of a confirmed ring stop counting (reason collusion).
CREATE TABLE collusion_groups (
    flag_id     INTEGER NOT NULL REFERENCES flags (id),
    employee_id TEXT NOT NULL,
    PRIMARY KEY (flag_id, employee_id)
);
