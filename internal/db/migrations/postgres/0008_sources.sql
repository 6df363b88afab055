-- 0008: SharePoint sources. A source is a SharePoint folder an
-- organization syncs with Graph delta queries (the delta link is stored).
-- Documents keep where they came from: the SharePoint URL, eTag, modified
-- time, drive and item ids, and when the remote file was deleted. Jobs
-- gain two kinds that are not about one document: 'import' (a one-off
-- SharePoint import) and 'sync' (a source's sync), with their parameters.

CREATE TABLE sources (
    id                   TEXT PRIMARY KEY,
    org_id               TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind                 TEXT NOT NULL DEFAULT 'sharepoint' CHECK (kind IN ('sharepoint')),
    name                 TEXT NOT NULL,
    folder_url           TEXT NOT NULL,
    recursive            BOOLEAN NOT NULL DEFAULT FALSE,
    process_after_import BOOLEAN NOT NULL DEFAULT FALSE,
    options              JSONB,
    drive_id             TEXT,
    folder_id            TEXT,
    folder_name          TEXT,
    delta_link           TEXT,
    folder_ids           JSONB,
    last_sync_job_id     TEXT,
    last_sync_status     TEXT,
    last_sync_at         TIMESTAMPTZ,
    last_sync_counts     JSONB,
    last_sync_error      TEXT,
    created_by           TEXT,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, name)
);

ALTER TABLE documents ADD COLUMN source_url TEXT;
ALTER TABLE documents ADD COLUMN source_etag TEXT;
ALTER TABLE documents ADD COLUMN source_modified_at TIMESTAMPTZ;
ALTER TABLE documents ADD COLUMN source_drive_id TEXT;
ALTER TABLE documents ADD COLUMN source_item_id TEXT;
ALTER TABLE documents ADD COLUMN source_id TEXT;
ALTER TABLE documents ADD COLUMN remote_deleted_at TIMESTAMPTZ;
CREATE INDEX ix_documents_source_item ON documents (org_id, source_drive_id, source_item_id);
CREATE INDEX ix_documents_source ON documents (org_id, source_id);

ALTER TABLE jobs ALTER COLUMN document_id DROP NOT NULL;
ALTER TABLE jobs ADD COLUMN source_id TEXT;
ALTER TABLE jobs ADD COLUMN params JSONB;
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('process', 'evaluate', 'rescore', 'import', 'sync'));
ALTER TABLE jobs ADD CONSTRAINT jobs_document_check CHECK (document_id IS NOT NULL OR kind IN ('import', 'sync'));
CREATE UNIQUE INDEX ux_jobs_one_active_source ON jobs (org_id, source_id) WHERE status IN ('queued', 'running') AND source_id IS NOT NULL;
CREATE INDEX ix_jobs_source ON jobs (org_id, source_id, enqueued_at DESC);
