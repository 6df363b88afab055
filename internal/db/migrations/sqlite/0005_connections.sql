-- 0005: connection secrets are sealed (AES-256-GCM) in their own column,
-- with the id of the key that sealed them so keys can be rotated; config
-- keeps only the non-secret fields. Names are unique per organization and
-- type. (The one-default-per-type partial unique index is in 0001.)
ALTER TABLE connections ADD COLUMN secrets TEXT;
ALTER TABLE connections ADD COLUMN secrets_key_id TEXT;
CREATE UNIQUE INDEX ux_connections_org_type_name ON connections (org_id, connection_type, name);
CREATE INDEX ix_connections_secrets_key ON connections (secrets_key_id);
