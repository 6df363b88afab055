-- 0006: documents, their Markdown versions and processing results, the
-- processing jobs (our record beside River's river_job row), their logs and
-- the batches they belong to. Every table is tenant-owned: org_id NOT NULL,
-- and children point at parents through (org_id, id) so a row can never
-- reference another organization's document or job. River's own tables are
-- created by River's migrator, not here.

CREATE TABLE documents (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    filename          TEXT NOT NULL,
    content_type      TEXT NOT NULL,
    kind              TEXT NOT NULL,
    file_size         BIGINT NOT NULL,
    sha256            TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('uploaded', 'queued', 'processing', 'completed', 'failed', 'cancelled')),
    rag_ready         BOOLEAN NOT NULL DEFAULT FALSE,
    rag_override      BOOLEAN,
    rag_override_reason TEXT,
    rag_override_by   TEXT,
    conversion_score  DOUBLE PRECISION,
    llm_status        TEXT,
    current_version   INTEGER NOT NULL DEFAULT 0,
    latest_result_id  TEXT,
    uploaded_by       TEXT,
    uploaded_at       TIMESTAMPTZ NOT NULL,
    processed_at      TIMESTAMPTZ,
    updated_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX ix_documents_org_uploaded ON documents (org_id, uploaded_at DESC, id DESC);
CREATE INDEX ix_documents_org_sha ON documents (org_id, sha256);

CREATE TABLE document_versions (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    document_id  TEXT NOT NULL,
    number       INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('extracted', 'optimized', 'edited')),
    storage_key  TEXT NOT NULL,
    size         BIGINT NOT NULL,
    pages        JSONB,
    job_id       TEXT,
    note         TEXT,
    rejected     TEXT,
    created_by   TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, document_id, number),
    FOREIGN KEY (org_id, document_id) REFERENCES documents (org_id, id) ON DELETE CASCADE
);

CREATE TABLE batches (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    options     JSONB,
    total       INTEGER NOT NULL,
    created_by  TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX ix_batches_org ON batches (org_id, created_at DESC);

CREATE TABLE jobs (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL,
    document_id   TEXT NOT NULL,
    batch_id      TEXT,
    kind          TEXT NOT NULL CHECK (kind IN ('process', 'evaluate', 'rescore')),
    status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    stage         TEXT NOT NULL DEFAULT '',
    progress      INTEGER NOT NULL DEFAULT 0,
    eta_seconds   INTEGER,
    attempts      INTEGER NOT NULL DEFAULT 0,
    error         TEXT,
    error_code    TEXT,
    options       JSONB,
    river_job_id  BIGINT,
    result_id     TEXT,
    created_by    TEXT,
    enqueued_at   TIMESTAMPTZ NOT NULL,
    started_at    TIMESTAMPTZ,
    finished_at   TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, document_id) REFERENCES documents (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, batch_id) REFERENCES batches (org_id, id)
);
-- At most one active job per document, held by the database itself.
CREATE UNIQUE INDEX ux_jobs_one_active ON jobs (org_id, document_id) WHERE status IN ('queued', 'running');
CREATE INDEX ix_jobs_org ON jobs (org_id, enqueued_at DESC, id DESC);
CREATE INDEX ix_jobs_batch ON jobs (org_id, batch_id);
CREATE INDEX ix_jobs_document ON jobs (org_id, document_id, enqueued_at DESC);

CREATE TABLE job_logs (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id    TEXT NOT NULL,
    job_id    TEXT NOT NULL,
    ts        TIMESTAMPTZ NOT NULL,
    level     TEXT NOT NULL,
    stage     TEXT NOT NULL DEFAULT '',
    progress  INTEGER NOT NULL DEFAULT 0,
    status    TEXT NOT NULL DEFAULT '',
    message   TEXT NOT NULL,
    FOREIGN KEY (org_id, job_id) REFERENCES jobs (org_id, id) ON DELETE CASCADE
);
CREATE INDEX ix_job_logs_job ON job_logs (org_id, job_id, id);

CREATE TABLE processing_results (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL,
    document_id       TEXT NOT NULL,
    job_id            TEXT,
    conversion_score  DOUBLE PRECISION NOT NULL,
    rag_ready         BOOLEAN NOT NULL,
    llm_status        TEXT,
    result            JSONB NOT NULL,
    processed_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, document_id) REFERENCES documents (org_id, id) ON DELETE CASCADE
);
CREATE INDEX ix_results_document ON processing_results (org_id, document_id, processed_at DESC);
CREATE INDEX ix_results_org_time ON processing_results (org_id, processed_at);
