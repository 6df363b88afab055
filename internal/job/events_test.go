package job

import (
	"encoding/json"
	"testing"
)

// Every job event names the job's kind; document_id is always present,
// null for a task.
func TestJobPayloadKindAndDocumentID(t *testing.T) {
	for _, c := range []struct {
		name, status string
		job          Job
		want         map[string]any
	}{
		{"failed import", StatusFailed, Job{ID: "j1", Kind: KindImport},
			map[string]any{"job_id": "j1", "kind": "import", "document_id": nil, "status": "failed"}},
		{"completed sync", StatusCompleted, Job{ID: "j2", Kind: KindSync, SourceID: "s1"},
			map[string]any{"job_id": "j2", "kind": "sync", "document_id": nil, "source_id": "s1", "status": "completed"}},
		{"completed process", StatusCompleted, Job{ID: "j3", Kind: KindProcess, DocumentID: "d1", BatchID: "b1"},
			map[string]any{"job_id": "j3", "kind": "process", "document_id": "d1", "batch_id": "b1", "status": "completed"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw, err := json.Marshal(newJobPayload(c.job, c.status))
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Errorf("%s, want the fields of %v", raw, c.want)
			}
			for k, v := range c.want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s: %s = %v (present %v), want %v", raw, k, g, ok, v)
				}
			}
		})
	}
}
