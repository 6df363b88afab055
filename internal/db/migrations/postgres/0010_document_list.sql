-- 0010: indexes for the document list's NOT NULL sort columns, so that a
-- page sorted by filename, size or status is read in index order (id
-- breaks ties) instead of sorting every document of the organization.
-- The default order (newest upload first) uses ix_documents_org_uploaded
-- from 0006; the nullable sorts (processed_at, conversion_score) put NULLs
-- last with an expression and still sort.

CREATE INDEX ix_documents_org_filename ON documents (org_id, filename, id);
CREATE INDEX ix_documents_org_size ON documents (org_id, file_size, id);
CREATE INDEX ix_documents_org_status ON documents (org_id, status, id);
