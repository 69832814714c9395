-- Badges that travel (issue 17): the same as SQLite's 0013. What an employee keeps out of the directory (listed = 0
-- leaves it altogether; a hidden_badges row hides one badge from every directory read, never from their progress), and
-- awards that run out (badge_versions.expires_after, awards.expires_at set on every grant and upgrade).
ALTER TABLE employees ADD COLUMN listed INTEGER NOT NULL DEFAULT 1;

CREATE TABLE hidden_badges (
    employee_id TEXT COLLATE "C" NOT NULL REFERENCES employees (id),
    badge_key   TEXT COLLATE "C" NOT NULL REFERENCES badges (key),
    hidden_at   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (employee_id, badge_key)
);

ALTER TABLE badge_versions ADD COLUMN expires_after TEXT COLLATE "C" NULL;

ALTER TABLE awards ADD COLUMN expires_at TEXT COLLATE "C" NULL;
CREATE INDEX ix_awards_expires_at ON awards (expires_at) WHERE expires_at IS NOT NULL;
