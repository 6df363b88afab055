package export

import (
	"archive/zip"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"
)

// The download types of a bulk download.
const (
	TypeIndividual = "individual" // processed_documents/<name>.md for each document
	TypeCombined   = "combined"   // individual_files/<name>.md and one COMBINED_EXPORT_<time>.md
	TypeRAGReady   = "rag_ready"  // as individual, RAG-ready documents only
)

// ErrNoneRAGReady is returned, before anything is written, when a RAG-ready
// export has no RAG-ready document.
var ErrNoneRAGReady = errors.New("export: none of the documents is RAG-ready")

// ZipOptions shape an archive.
type ZipOptions struct {
	Type           string
	IncludeSummary bool
	Now            time.Time // the archive's time stamp (entry times, file names)
}

// Manifest is manifest.json, the last entry of every archive: what each
// document is, its verdict, and the SHA-256 of every entry.
type Manifest struct {
	SchemaVersion int           `json:"schema_version"`
	GeneratedAt   time.Time     `json:"generated_at"`
	DownloadType  string        `json:"download_type"`
	DocumentCount int           `json:"document_count"`
	RAGReadyCount int           `json:"rag_ready_count"`
	Documents     []ManifestDoc `json:"documents"`
	Files         []Entry       `json:"files"` // entries not tied to one document (combined, summary)
}

// ManifestDoc is one document in the manifest.
type ManifestDoc struct {
	DocumentID string `json:"document_id"`
	Filename   string `json:"filename"`
	Source     string `json:"source"`
	Version    int    `json:"version"`
	Quality
	Entries []Entry `json:"entries"`
}

// Entry is one archive entry with its checksum.
type Entry struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// WriteZip streams an archive of the refs to w: each document's Markdown
// (loaded one at a time), for TypeCombined a combined document (a second
// pass over the versions the first pass wrote), the summary if asked, and
// manifest.json. Only the manifest's few fields per document are kept
// while writing. For TypeRAGReady, refs that are not RAG-ready are left
// out, and ErrNoneRAGReady is returned before anything is written when no
// ref is.
func WriteZip(ctx context.Context, w io.Writer, refs Refs, load Loader, opt ZipOptions) (Manifest, error) {
	if opt.Type == TypeRAGReady {
		if ok, err := anyReady(ctx, refs); err != nil || !ok {
			return Manifest{}, cmp.Or(err, ErrNoneRAGReady)
		}
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	z := &zipper{zw: zip.NewWriter(w), now: opt.Now.UTC(), names: names{}}
	m := Manifest{SchemaVersion: 1, GeneratedAt: z.now, DownloadType: opt.Type, Documents: []ManifestDoc{}, Files: []Entry{}}
	dir := "processed_documents/"
	if opt.Type == TypeCombined {
		dir = "individual_files/"
	}
	err := refs(ctx, func(ref Ref) error {
		if opt.Type == TypeRAGReady && !ref.Quality.RAGReady {
			return nil
		}
		return z.document(ctx, &m, dir, ref, load)
	})
	if err != nil {
		return m, err
	}
	stamp := z.now.Format("20060102_150405")
	if opt.Type == TypeCombined {
		e, err := z.entry("COMBINED_EXPORT_"+stamp+".md", func(w io.Writer) error { return writeCombined(ctx, w, load, &m) })
		if err != nil {
			return m, err
		}
		m.Files = append(m.Files, e)
	}
	if opt.IncludeSummary && m.DocumentCount > 0 {
		e, err := z.entry("PROCESSING_SUMMARY_"+stamp+".md", func(w io.Writer) error { return writeSummary(w, &m) })
		if err != nil {
			return m, err
		}
		m.Files = append(m.Files, e)
	}
	if _, err := z.entry("manifest.json", func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(&m)
	}); err != nil {
		return m, err
	}
	return m, z.zw.Close()
}

// errFound stops an iteration early.
var errFound = errors.New("found")

// anyReady reports whether some ref is RAG-ready, reading no further than
// the first one that is.
func anyReady(ctx context.Context, refs Refs) (bool, error) {
	err := refs(ctx, func(r Ref) error {
		if r.Quality.RAGReady {
			return errFound
		}
		return nil
	})
	if errors.Is(err, errFound) {
		return true, nil
	}
	return false, err
}

// document writes one document's entry and adds it to the manifest.
func (z *zipper) document(ctx context.Context, m *Manifest, dir string, ref Ref, load Loader) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	md, _, err := load.Load(ctx, ref)
	if err != nil {
		return fmt.Errorf("export: load %s v%d: %w", ref.DocumentID, ref.Version, err)
	}
	name := z.names.unique(dir, SafeName(stem(SafeName(ref.Filename, "")), ref.DocumentID)+".md")
	e, err := z.entry(name, func(w io.Writer) error { _, err := io.WriteString(w, md); return err })
	if err != nil {
		return err
	}
	m.Documents = append(m.Documents, ManifestDoc{
		DocumentID: ref.DocumentID, Filename: ref.Filename, Source: ref.Source, Version: ref.Version,
		Quality: withReasons(ref.Quality), Entries: []Entry{e},
	})
	m.DocumentCount++
	if ref.Quality.RAGReady {
		m.RAGReadyCount++
	}
	return nil
}

func withReasons(q Quality) Quality {
	q.ReasonCodes = nonNil(q.ReasonCodes)
	return q
}

// zipper writes deflated entries and checksums them on the way.
type zipper struct {
	zw    *zip.Writer
	now   time.Time
	names names
}

func (z *zipper) entry(name string, write func(io.Writer) error) (Entry, error) {
	w, err := z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: z.now})
	if err != nil {
		return Entry{}, err
	}
	h := &hashCounter{h: sha256.New()}
	if err := write(io.MultiWriter(w, h)); err != nil {
		return Entry{}, err
	}
	return Entry{Name: name, SHA256: hex.EncodeToString(h.h.Sum(nil)), Size: h.n}, nil
}

// hashCounter hashes and counts what is written to it.
type hashCounter struct {
	h hash.Hash
	n int64
}

func (c *hashCounter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.h.Write(p)
}
