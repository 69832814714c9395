-- Open Badges 3.0 credentials (docs/credentials.md, decision 0019). Times are UTC text in the fixed-width format of 0001.

-- Every credential issued, one row per award at a tier (as reached at awarded_at) until it is revoked: downloading it
-- again gives the same id and status index. status_index is the credential's bit in the revocation status lists (list = index / 131072). A row is
-- revoked, never deleted, in the transaction that revokes or downgrades its award (AwardLedger), and a restore does
-- not bring it back: the next download issues a new credential with a new index.
CREATE TABLE credentials (
    status_index INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,    -- urn:uuid:...
    employee_id  TEXT NOT NULL REFERENCES employees (id),
    badge_key    TEXT NOT NULL REFERENCES badges (key),
    tier_rank    INTEGER NOT NULL,
    awarded_at   TEXT NOT NULL,           -- the award's, so that an award granted again after it expired is a new credential
    salt         TEXT NULL,               -- the identityHash's salt, when the subject is named by a hash
    issued_at    TEXT NOT NULL,
    revoked_at   TEXT NULL
);

-- At most one live credential per award and tier: two downloads at once cannot both allocate one.
CREATE UNIQUE INDEX ix_credentials_live ON credentials (employee_id, badge_key, tier_rank, awarded_at) WHERE revoked_at IS NULL;

-- The issuer's signing keys, oldest first. Every public key ever signed with stays here, so that the JWKS keeps
-- verifying old credentials after a rotation. A generated key's private part is protected with Data Protection; a
-- key from configuration is recorded without it. generation is unique, so two instances that generate a key at the
-- same moment cannot both add one: the second insert does nothing and both sign with the first.
CREATE TABLE credential_keys (
    generation        INTEGER PRIMARY KEY,
    kid               TEXT NOT NULL UNIQUE,
    public_jwk        TEXT NOT NULL,      -- JSON: the public key as a JWK
    protected_private TEXT NULL,          -- Data Protection over the PKCS#8 private key; NULL for a configured key
    created_at        TEXT NOT NULL
);
