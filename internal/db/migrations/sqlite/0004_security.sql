-- 0004: security. Invitations are pending until the invited person accepts
-- them through the emailed link (which proves they control the address);
-- only then does a membership exist. The setup token lets the first
-- administrator be created through the API on a server with no users.

CREATE TABLE invitations (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('org_admin', 'member', 'viewer')),
    token_hash   TEXT NOT NULL UNIQUE,
    invited_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    expires_at   TIMESTAMP NOT NULL,
    accepted_at  TIMESTAMP,
    accepted_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    revoked_at   TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX ix_invitations_org ON invitations (org_id, created_at, id);
-- At most one pending invitation per organization and address.
CREATE UNIQUE INDEX ux_invitations_pending ON invitations (org_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL;

CREATE TABLE setup_tokens (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
