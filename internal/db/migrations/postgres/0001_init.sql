-- 0001: the data model's first tables. Every tenant-owned table carries
-- org_id NOT NULL, and children reference parents through (org_id, id) so a
-- row can never point into another organization.

CREATE TABLE organizations (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    slug          TEXT NOT NULL UNIQUE,
    is_active     BOOLEAN NOT NULL DEFAULT TRUE,
    settings      JSONB NOT NULL DEFAULT '{}',
    created_by    TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id               TEXT PRIMARY KEY,
    email            TEXT NOT NULL UNIQUE,
    username         TEXT NOT NULL UNIQUE,
    password_hash    TEXT NOT NULL,
    full_name        TEXT,
    is_active        BOOLEAN NOT NULL DEFAULT TRUE,
    is_verified      BOOLEAN NOT NULL DEFAULT FALSE,
    is_system_admin  BOOLEAN NOT NULL DEFAULT FALSE,
    settings         JSONB NOT NULL DEFAULT '{}',
    last_login_at    TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);

-- A user belongs to any number of organizations, with a role in each.
CREATE TABLE memberships (
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('org_admin', 'member', 'viewer')),
    is_active   BOOLEAN NOT NULL DEFAULT TRUE,
    invited_by  TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX ix_memberships_user ON memberships (user_id);

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    name          TEXT NOT NULL,
    key_hash      TEXT NOT NULL UNIQUE,
    prefix        TEXT NOT NULL,
    scopes        JSONB NOT NULL DEFAULT '[]',
    is_active     BOOLEAN NOT NULL DEFAULT TRUE,
    last_used_at  TIMESTAMPTZ,
    expires_at    TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX ix_api_keys_org_user ON api_keys (org_id, user_id);

CREATE TABLE connections (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    description      TEXT,
    connection_type  TEXT NOT NULL,
    config           JSONB NOT NULL DEFAULT '{}',
    is_active        BOOLEAN NOT NULL DEFAULT TRUE,
    is_default       BOOLEAN NOT NULL DEFAULT FALSE,
    last_tested_at   TIMESTAMPTZ,
    test_status      TEXT,
    test_result      JSONB,
    scope            TEXT NOT NULL DEFAULT 'organization',
    created_by       TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX ix_connections_org_type ON connections (org_id, connection_type);
-- At most one default connection per organization and type.
CREATE UNIQUE INDEX ux_connections_default ON connections (org_id, connection_type) WHERE is_default;

-- Server-wide settings (not tenant data).
CREATE TABLE system_settings (
    id           TEXT PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    value        JSONB NOT NULL,
    description  TEXT,
    is_public    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

-- org_id is NULL only for events outside any organization (a failed login
-- for an unknown account, a system administrator's server-wide change).
CREATE TABLE audit_logs (
    id             TEXT PRIMARY KEY,
    org_id         TEXT REFERENCES organizations(id) ON DELETE CASCADE,
    user_id        TEXT REFERENCES users(id) ON DELETE SET NULL,
    action         TEXT NOT NULL,
    entity_type    TEXT,
    entity_id      TEXT,
    details        JSONB,
    ip_address     TEXT,
    user_agent     TEXT,
    request_id     TEXT,
    status         TEXT NOT NULL CHECK (status IN ('success', 'failure')),
    error_message  TEXT,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_audit_logs_org_time ON audit_logs (org_id, created_at, id);
CREATE INDEX ix_audit_logs_action ON audit_logs (action);
CREATE INDEX ix_audit_logs_entity ON audit_logs (entity_type, entity_id);
