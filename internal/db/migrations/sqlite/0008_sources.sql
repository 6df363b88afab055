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
    recursive            BOOLEAN NOT NULL DEFAULT 0,
    process_after_import BOOLEAN NOT NULL DEFAULT 0,
    options              TEXT,
    drive_id             TEXT,
    folder_id            TEXT,
    folder_name          TEXT,
    delta_link           TEXT,
    folder_ids           TEXT,
    last_sync_job_id     TEXT,
    last_sync_status     TEXT,
    last_sync_at         TIMESTAMP,
    last_sync_counts     TEXT,
    last_sync_error      TEXT,
    created_by           TEXT,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, name)
);

ALTER TABLE documents ADD COLUMN source_url TEXT;
ALTER TABLE documents ADD COLUMN source_etag TEXT;
ALTER TABLE documents ADD COLUMN source_modified_at TIMESTAMP;
ALTER TABLE documents ADD COLUMN source_drive_id TEXT;
ALTER TABLE documents ADD COLUMN source_item_id TEXT;
ALTER TABLE documents ADD COLUMN source_id TEXT;
ALTER TABLE documents ADD COLUMN remote_deleted_at TIMESTAMP;
CREATE INDEX ix_documents_source_item ON documents (org_id, source_drive_id, source_item_id);
CREATE INDEX ix_documents_source ON documents (org_id, source_id);

-- SQLite cannot change a CHECK or a NOT NULL in place: jobs is rebuilt.
-- job_logs references jobs (ON DELETE CASCADE), so its rows are set aside
-- first (dropping jobs would otherwise delete them), and its AUTOINCREMENT
-- counter is kept so event ids are never reused.
CREATE TABLE job_logs_keep AS SELECT * FROM job_logs;
CREATE TABLE job_logs_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'job_logs';
DROP TABLE job_logs;

CREATE TABLE jobs_new (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL,
    document_id   TEXT,
    source_id     TEXT,
    batch_id      TEXT,
    kind          TEXT NOT NULL CHECK (kind IN ('process', 'evaluate', 'rescore', 'import', 'sync')),
    status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    stage         TEXT NOT NULL DEFAULT '',
    progress      INTEGER NOT NULL DEFAULT 0,
    eta_seconds   INTEGER,
    attempts      INTEGER NOT NULL DEFAULT 0,
    error         TEXT,
    error_code    TEXT,
    options       TEXT,
    params        TEXT,
    river_job_id  BIGINT,
    result_id     TEXT,
    created_by    TEXT,
    enqueued_at   TIMESTAMP NOT NULL,
    started_at    TIMESTAMP,
    finished_at   TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (org_id, id),
    CHECK (document_id IS NOT NULL OR kind IN ('import', 'sync')),
    FOREIGN KEY (org_id, document_id) REFERENCES documents (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, batch_id) REFERENCES batches (org_id, id)
);
INSERT INTO jobs_new (id, org_id, document_id, batch_id, kind, status, stage, progress, eta_seconds, attempts, error,
    error_code, options, river_job_id, result_id, created_by, enqueued_at, started_at, finished_at, updated_at)
SELECT id, org_id, document_id, batch_id, kind, status, stage, progress, eta_seconds, attempts, error,
    error_code, options, river_job_id, result_id, created_by, enqueued_at, started_at, finished_at, updated_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE UNIQUE INDEX ux_jobs_one_active ON jobs (org_id, document_id) WHERE status IN ('queued', 'running');
CREATE UNIQUE INDEX ux_jobs_one_active_source ON jobs (org_id, source_id) WHERE status IN ('queued', 'running') AND source_id IS NOT NULL;
CREATE INDEX ix_jobs_org ON jobs (org_id, enqueued_at DESC, id DESC);
CREATE INDEX ix_jobs_batch ON jobs (org_id, batch_id);
CREATE INDEX ix_jobs_document ON jobs (org_id, document_id, enqueued_at DESC);
CREATE INDEX ix_jobs_source ON jobs (org_id, source_id, enqueued_at DESC);

CREATE TABLE job_logs (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id    TEXT NOT NULL,
    job_id    TEXT NOT NULL,
    ts        TIMESTAMP NOT NULL,
    level     TEXT NOT NULL,
    stage     TEXT NOT NULL DEFAULT '',
    progress  INTEGER NOT NULL DEFAULT 0,
    status    TEXT NOT NULL DEFAULT '',
    message   TEXT NOT NULL,
    FOREIGN KEY (org_id, job_id) REFERENCES jobs (org_id, id) ON DELETE CASCADE
);
CREATE INDEX ix_job_logs_job ON job_logs (org_id, job_id, id);
INSERT INTO job_logs (id, org_id, job_id, ts, level, stage, progress, status, message)
SELECT id, org_id, job_id, ts, level, stage, progress, status, message FROM job_logs_keep ORDER BY id;
INSERT INTO sqlite_sequence (name, seq) SELECT 'job_logs', 0 FROM job_logs_seq
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'job_logs');
UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT MAX(seq) FROM job_logs_seq), 0)) WHERE name = 'job_logs';
DROP TABLE job_logs_keep;
DROP TABLE job_logs_seq;
