-- 0010: indexes for the document list's NOT NULL sort columns, so that a
-- page sorted by filename, size or status is read in index order (id
-- breaks ties) instead of sorting every document of the organization.
-- The default order (newest upload first) uses ix_documents_org_uploaded
-- from 0006; the nullable sorts (processed_at, conversion_score) put NULLs
-- last with an expression and still sort.

CREATE INDEX ix_documents_org_filename ON documents (org_id, filename, id);
CREATE INDEX ix_documents_org_size ON documents (org_id, file_size, id);
CREATE INDEX ix_documents_org_status ON documents (org_id, status, id);

-- The newest-first index also carries the filename: a name search walks it
-- in order and tests each filename from the index, reading a document's row
-- only when it matches (a search matching only old documents reads the
-- whole index: about 85 ms at 100,000 documents instead of 150 ms).
DROP INDEX ix_documents_org_uploaded;
CREATE INDEX ix_documents_org_uploaded ON documents (org_id, uploaded_at DESC, id DESC, filename);
