package migrate

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/curatore/curatore/internal/storage"
)

// The archive layout: the database under database/, the stored files
// under files/<storage key>, and manifest.json last.
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
	Path   string `json:"path"` // the storage key
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

// addStore adds every object of the blob store as files/<key>, in key
// order. An object that changes size while being read is an error.
func (a *archiveWriter) addStore(ctx context.Context, st storage.Store) ([]FileEntry, error) {
	var infos []storage.Info
	if err := st.List(ctx, "", func(i storage.Info) error { infos = append(infos, i); return nil }); err != nil {
		return nil, err
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].Key < infos[j].Key })
	out := make([]FileEntry, 0, len(infos))
	for _, info := range infos {
		e, err := a.addObject(ctx, st, info)
		if err != nil {
			return nil, fmt.Errorf("stored file %s: %w", info.Key, err)
		}
		out = append(out, e)
	}
	return out, nil
}

func (a *archiveWriter) addObject(ctx context.Context, st storage.Store, info storage.Info) (FileEntry, error) {
	r, err := st.Get(ctx, info.Key)
	if err != nil {
		return FileEntry{}, err
	}
	defer r.Close()
	hdr := &tar.Header{Name: filesPrefix + info.Key, Mode: 0o600, Size: info.Size, ModTime: info.Modified, Typeflag: tar.TypeReg}
	if err := a.tw.WriteHeader(hdr); err != nil {
		return FileEntry{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(a.tw, h), io.LimitReader(r, info.Size))
	if err != nil {
		return FileEntry{}, err
	}
	if extra, _ := r.Read(make([]byte, 1)); n != info.Size || extra > 0 {
		return FileEntry{}, errors.New("changed while being read")
	}
	return FileEntry{Path: info.Key, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
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
