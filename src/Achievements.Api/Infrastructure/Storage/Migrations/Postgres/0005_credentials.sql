-- Open Badges 3.0 credentials: the same tables as SQLite's 0011 (docs/credentials.md, decision 0019).
CREATE TABLE credentials (
    status_index BIGINT PRIMARY KEY,
    id           TEXT COLLATE "C" NOT NULL UNIQUE,
    employee_id  TEXT COLLATE "C" NOT NULL REFERENCES employees (id),
    badge_key    TEXT COLLATE "C" NOT NULL REFERENCES badges (key),
    tier_rank    BIGINT NOT NULL,
    awarded_at   TEXT COLLATE "C" NOT NULL,
    salt         TEXT COLLATE "C" NULL,
    issued_at    TEXT COLLATE "C" NOT NULL,
    revoked_at   TEXT COLLATE "C" NULL
);

CREATE UNIQUE INDEX ix_credentials_live ON credentials (employee_id, badge_key, tier_rank, awarded_at) WHERE revoked_at IS NULL;

CREATE TABLE credential_keys (
    generation        BIGINT PRIMARY KEY,
    kid               TEXT COLLATE "C" NOT NULL UNIQUE,
    public_jwk        TEXT COLLATE "C" NOT NULL,
    protected_private TEXT COLLATE "C" NULL,
    created_at        TEXT COLLATE "C" NOT NULL
);
