-- Only people vouch (issue 24): which authority put an employee in the directory. 'admin' (PUT /employees, with or
-- without identities it maps), 'scim' (provisioning), or 'github' (the GitHub source's autoCreateEmployees, which an
-- organisation turns on to trust its GitHub organisation's accounts). NULL: the row exists only because a source's
-- event named it as an actor (ingestion creates those); such an account vouches for nothing. The first authority is
-- kept; deactivation does not clear it (reviews given before someone left were real).
ALTER TABLE employees ADD COLUMN added_by TEXT NULL;

-- Backfill from the audit log, which records every authority's write since 0001 and never ingestion's: the earliest
-- directory write of each employee names the authority (the GitHub source writes as actor 'github', an admin as their
-- key id, SCIM as scim.user.*).
UPDATE employees SET added_by = (
    SELECT CASE WHEN a.action LIKE 'scim.%' THEN 'scim' WHEN a.actor = 'github' THEN 'github' ELSE 'admin' END
    FROM audit_log a
    WHERE a.employee_id = employees.id
      AND a.action IN ('employee.created', 'employee.updated', 'scim.user.created', 'scim.user.replaced', 'scim.user.patched')
    ORDER BY a.id
    LIMIT 1
);

-- Without such an entry, what the row holds decides: a SCIM userName, a display name or a team came from an authority
-- (ingestion writes none of them); a bare row was only named.
UPDATE employees SET added_by = CASE WHEN scim_user_name IS NOT NULL THEN 'scim' ELSE 'admin' END
WHERE added_by IS NULL AND (scim_user_name IS NOT NULL OR display_name IS NOT NULL OR team IS NOT NULL);
