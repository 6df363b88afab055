package migrate

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// The archive layout: the database under database/, the stored files
// under files/ (paths relative to FILES_ROOT), and manifest.json last.
const (
	manifestName = "manifest.json"
	filesPrefix  = "files/"
	formatName   = "curatore-backup"
)

// Manifest describes a backup archive.
type Manifest struct {
	Format          string      `json:"format"`
	FormatVersion   int         `json:"format_version"`
	CreatedAt       time.Time   `json:"created_at"`
	CuratoreVersion string      `json:"curatore_version"`
	Engine          string      `json:"engine"`
	SchemaVersion   int         `json:"schema_version"`
	Schema          string      `json:"schema,omitempty"` // PostgreSQL schema dumped
	Database        string      `json:"database"`         // archive path of the database
	Tables          []TableSum  `json:"tables"`
	Files           []FileEntry `json:"files"`
}

// TableSum is one table's row count and checksum at backup time.
type TableSum struct {
	Name     string `json:"name"`
	Rows     int64  `json:"rows"`
	Checksum string `json:"checksum"`
}

// FileEntry is one stored file in the archive.
type FileEntry struct {
	Path   string `json:"path"` // relative to FILES_ROOT, slash-separated
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// archiveWriter writes a gzip-compressed tar.
type archiveWriter struct {
	gz *gzip.Writer
	tw *tar.Writer
}

func newArchiveWriter(w io.Writer) *archiveWriter {
	gz := gzip.NewWriter(w)
	return &archiveWriter{gz: gz, tw: tar.NewWriter(gz)}
}

// addFile copies the file at src into the archive as name and returns its
// SHA-256. A file that changes size while being read is an error.
func (a *archiveWriter) addFile(name, src string) (FileEntry, error) {
	f, err := os.Open(src)
	if err != nil {
		return FileEntry{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return FileEntry{}, err
	}
	hdr := &tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime().UTC(), Typeflag: tar.TypeReg}
	if err := a.tw.WriteHeader(hdr); err != nil {
		return FileEntry{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(a.tw, h), io.LimitReader(f, st.Size()))
	if err != nil {
		return FileEntry{}, err
	}
	if n != st.Size() {
		return FileEntry{}, fmt.Errorf("%s changed while being read", src)
	}
	return FileEntry{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func (a *archiveWriter) addBytes(name string, b []byte) error {
	if err := a.tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: time.Now().UTC(), Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err := a.tw.Write(b)
	return err
}

func (a *archiveWriter) close() error {
	if err := a.tw.Close(); err != nil {
		return err
	}
	return a.gz.Close()
}

// addTree adds every regular file under root as files/<relative path>.
// Symbolic links and other special files are skipped.
func (a *archiveWriter) addTree(root string) ([]FileEntry, error) {
	out := []FileEntry{}
	if _, err := os.Stat(root); os.IsNotExist(err) {
		return out, nil
	}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		e, err := a.addFile(filesPrefix+filepath.ToSlash(rel), p)
		if err != nil {
			return err
		}
		e.Path = filepath.ToSlash(rel)
		out = append(out, e)
		return nil
	})
	return out, err
}

// eachEntry calls fn for every entry of the archive at name.
func eachEntry(name string, fn func(hdr *tar.Header, r io.Reader) error) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s is not a Curatore backup (not gzip): %w", name, err)
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		if err := fn(hdr, tr); err != nil {
			return err
		}
	}
}

// safeRel checks that an archive path stays inside the directory it is
// extracted to.
func safeRel(p string) (string, error) {
	clean := path.Clean(p)
	if clean == "." || path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("archive entry %q escapes its directory", p)
	}
	return filepath.FromSlash(clean), nil
}
