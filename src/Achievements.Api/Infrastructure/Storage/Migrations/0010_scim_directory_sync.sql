-- Directory sync over SCIM 2.0 (decision 0017). An employee the identity provider deactivates is kept with all their
-- history, but leaves the directory and stops earning until reactivated: active is 0 while deactivated. The SCIM
-- userName and externalId are what the provider knows the person by; userName is unique without regard to case, as
-- RFC 7643 says, among the employees provisioned through SCIM (the others have none).
ALTER TABLE employees ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE employees ADD COLUMN scim_user_name TEXT NULL;
ALTER TABLE employees ADD COLUMN external_id TEXT NULL;

CREATE UNIQUE INDEX ix_employees_scim_user_name ON employees (lower(scim_user_name)) WHERE scim_user_name IS NOT NULL;
