-- What changed in the directory, so that every instance forgets what it cached (DirectoryChanges). The version is
-- bumped in the transaction that made the change: the bump's row lock orders versions as their commits are ordered,
-- so an instance that has applied version n has seen every change up to n. Only PostgreSQL has several instances.
CREATE TABLE directory_state (
    name    TEXT COLLATE "C" PRIMARY KEY,
    version BIGINT NOT NULL
);

INSERT INTO directory_state (name, version) VALUES ('directory', 0);

CREATE TABLE directory_changes (
    version     BIGINT PRIMARY KEY,
    employee_id TEXT COLLATE "C" NULL,  -- null: everyone (a badge's name, icon or status changed)
    at          TEXT COLLATE "C" NOT NULL
);
