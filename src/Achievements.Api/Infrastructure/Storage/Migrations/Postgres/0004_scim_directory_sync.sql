-- Directory sync over SCIM 2.0 (decision 0017): the same columns as SQLite's 0010. An employee the identity provider
-- deactivates is kept with all their history, but leaves the directory and stops earning until reactivated.
ALTER TABLE employees ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE employees ADD COLUMN scim_user_name TEXT COLLATE "C" NULL;
ALTER TABLE employees ADD COLUMN external_id TEXT COLLATE "C" NULL;

CREATE UNIQUE INDEX ix_employees_scim_user_name ON employees (lower(scim_user_name)) WHERE scim_user_name IS NOT NULL;
