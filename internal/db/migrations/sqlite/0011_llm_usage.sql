-- 0011: LLM usage as rows, one per stage of a processing run that used the
-- LLM, written in the transaction that stores the run's result. The monthly
-- token budget sums it through (org_id, used_at). Deleting a document does
-- not refund what its runs spent: no reference to documents or results.

CREATE TABLE llm_usage (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    result_id          TEXT NOT NULL,
    document_id        TEXT NOT NULL,
    stage              TEXT NOT NULL,
    model              TEXT NOT NULL DEFAULT '',
    calls              INTEGER NOT NULL,
    prompt_tokens      BIGINT NOT NULL,
    completion_tokens  BIGINT NOT NULL,
    used_at            TIMESTAMP NOT NULL
);
CREATE INDEX ix_llm_usage_org_time ON llm_usage (org_id, used_at);

-- The runs stored before this table existed.
INSERT INTO llm_usage (id, org_id, result_id, document_id, stage, model, calls, prompt_tokens, completion_tokens, used_at)
SELECT r.id || '-' || u.key, r.org_id, r.id, r.document_id,
       COALESCE(json_extract(u.value, '$.stage'), ''), COALESCE(json_extract(u.value, '$.model'), ''),
       COALESCE(json_extract(u.value, '$.calls'), 0), COALESCE(json_extract(u.value, '$.prompt_tokens'), 0),
       COALESCE(json_extract(u.value, '$.completion_tokens'), 0), r.processed_at
FROM processing_results r, json_each(r.result, '$.usage') u
WHERE COALESCE(json_extract(u.value, '$.calls'), 0) > 0
   OR COALESCE(json_extract(u.value, '$.prompt_tokens'), 0) > 0
   OR COALESCE(json_extract(u.value, '$.completion_tokens'), 0) > 0;
