package testenv

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"testing"
)

// File is one file part of a multipart upload.
type File struct {
	Name    string
	Content []byte
	Type    string // Content-Type of the part (optional)
}

// Form is a multipart/form-data body for Do and Request: each file is sent
// as a `file` part.
type Form struct{ Files []File }

// encode returns the body and its Content-Type.
func (f *Form) encode() (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, file := range f.Files {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="file"; filename="` + file.Name + `"`}
		if file.Type != "" {
			h["Content-Type"] = []string{file.Type}
		}
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(file.Content)
	}
	_ = mw.Close()
	return &b, mw.FormDataContentType()
}

// Upload sends one file to POST /api/v1/documents/upload (query may add
// "?duplicate=true") and returns the status and the decoded document (its
// document_id is "" when the upload failed).
func (e *Env) Upload(t testing.TB, token, name string, content []byte, query string) (int, map[string]any) {
	t.Helper()
	status, body := e.Do(t, "POST", "/api/v1/documents/upload"+query, token, &Form{Files: []File{{Name: name, Content: content}}})
	out := map[string]any{}
	_ = json.Unmarshal(body, &out)
	if status == http.StatusOK && out["document_id"] == nil {
		t.Fatalf("upload %s: 200 without document_id: %s", name, body)
	}
	return status, out
}
