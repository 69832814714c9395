-- Badges that travel (issue 17): what an employee keeps out of the directory, and awards that run out.
--
-- An employee may leave the directory altogether (listed = 0): their badges, SVG and card answer 404 and they are no
-- one's holder, but they keep earning and see their own progress. They may also hide single badges, before or after
-- earning them: a row here hides the badge from every directory read and the holders list, never from their progress.
ALTER TABLE employees ADD COLUMN listed INTEGER NOT NULL DEFAULT 1;

CREATE TABLE hidden_badges (
    employee_id TEXT NOT NULL REFERENCES employees (id),
    badge_key   TEXT NOT NULL REFERENCES badges (key),
    hidden_at   TEXT NOT NULL,
    PRIMARY KEY (employee_id, badge_key)
);

-- A badge version may say how long its awards last (a duration such as 365d); NULL: for good.
ALTER TABLE badge_versions ADD COLUMN expires_after TEXT NULL;

-- When an award runs out: its tier's moment plus its version's expiresAfter, set on every grant and upgrade; NULL: never.
-- The evaluation pass queues whoever holds an award past it, through this index.
ALTER TABLE awards ADD COLUMN expires_at TEXT NULL;
CREATE INDEX ix_awards_expires_at ON awards (expires_at) WHERE expires_at IS NOT NULL;
