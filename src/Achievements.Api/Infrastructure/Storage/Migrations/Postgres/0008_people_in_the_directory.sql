-- Only people vouch (issue 24): the same as SQLite's 0014. employees.added_by names the authority that put an employee
-- in the directory ('admin', 'scim' or 'github'); NULL when only a source's event named them, and then they vouch for
-- nothing. Backfilled from each employee's earliest directory write in the audit log, else from what the row holds (a
-- SCIM userName, a display name or a team came from an authority; ingestion writes none of them).
ALTER TABLE employees ADD COLUMN added_by TEXT COLLATE "C" NULL;

UPDATE employees SET added_by = (
    SELECT CASE WHEN a.action LIKE 'scim.%' THEN 'scim' WHEN a.actor = 'github' THEN 'github' ELSE 'admin' END
    FROM audit_log a
    WHERE a.employee_id = employees.id
      AND a.action IN ('employee.created', 'employee.updated', 'scim.user.created', 'scim.user.replaced', 'scim.user.patched')
    ORDER BY a.id
    LIMIT 1
);

UPDATE employees SET added_by = CASE WHEN scim_user_name IS NOT NULL THEN 'scim' ELSE 'admin' END
WHERE added_by IS NULL AND (scim_user_name IS NOT NULL OR display_name IS NOT NULL OR team IS NOT NULL);
