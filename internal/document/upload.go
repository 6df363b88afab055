package document

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/extract"
)

// sniffBytes is how much of an upload is read before deciding its type.
const sniffBytes = 8 << 10

// Upload is one file of an upload request.
type Upload struct {
	Filename    string
	ContentType string
	Body        io.Reader
	// AllowDuplicate stores the file even when the organization has the
	// same content already (?duplicate=true).
	AllowDuplicate bool
	// Remote, when set, says where outside Curatore the file came from
	// (a SharePoint item); the document keeps it.
	Remote *Remote
}

// Upload streams a file to the blob store and records it: the type is
// sniffed from its first bytes (415 listing the supported types), the size
// is enforced while reading (413 once past MaxFileSize), the SHA-256 is
// computed on the way. The same content already in the organization is
// answered with that document (DuplicateOf set) unless AllowDuplicate. A
// failed upload leaves no file and no row.
func (s *Service) Upload(ctx context.Context, sc auth.Scope, up Upload) (Document, error) {
	d, err := s.receive(ctx, sc.OrgID, db.NewID(), up)
	if err != nil {
		return Document{}, err
	}
	d.Status, d.UploadedBy = StatusUploaded, sc.UserID
	key := SourceKey(sc.OrgID, d.ID)
	action := "document.upload"
	if up.Remote != nil {
		action = "document.import"
	}
	var existing Document
	err = audit.Do(ctx, s.DB, audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: action,
		EntityType: "document", EntityID: d.ID}, func(q db.Querier, e *audit.Entry) error {
		if !up.AllowDuplicate {
			prev, err := BySHA(ctx, q, sc.OrgID, d.SHA256)
			if err == nil {
				existing = prev
				e.Action, e.EntityID = action+"_duplicate", prev.ID
				e.Details = map[string]any{"filename": d.Filename, "sha256": d.SHA256}
				return nil
			}
			if !errors.Is(err, apperr.NotFound) {
				return err
			}
		}
		now := db.Now()
		d.UploadedAt, d.UpdatedAt = now, now
		e.Details = map[string]any{"filename": d.Filename, "file_size": d.FileSize, "sha256": d.SHA256, "kind": d.Kind}
		if err := insert(ctx, q, &d); err != nil {
			return err
		}
		return setRemote(ctx, q, &d, up.Remote, e.Details)
	})
	if err != nil || existing.ID != "" {
		s.removeFile(ctx, key)
	}
	if err != nil {
		return Document{}, err
	}
	if existing.ID != "" {
		existing.DuplicateOf = existing.ID
		return existing, nil
	}
	return d, nil
}

// receive streams an upload to the blob store as document id's file: the
// type is sniffed from its first bytes, the size limit enforced while
// reading, the SHA-256 computed on the way. The store writes to a
// temporary name first, so a failure leaves what was there before.
func (s *Service) receive(ctx context.Context, orgID, id string, up Upload) (Document, error) {
	name, err := cleanName(up.Filename)
	if err != nil {
		return Document{}, err
	}
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(up.Body, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Document{}, apperr.Wrap(apperr.Invalid, "upload_failed", "the upload could not be read", err)
	}
	head = head[:n]
	kind, err := extract.Sniff(name, up.ContentType, head)
	if err != nil {
		return Document{}, apperr.Wrap(apperr.Unsupported, "unsupported_file_type", unsupportedDetail(err), err)
	}
	d := Document{ID: id, OrgID: orgID, Filename: name, ContentType: contentTypeOf(kind, name), Kind: kind}
	limit, err := s.limit(ctx, orgID)
	if err != nil {
		return Document{}, err
	}
	body := &limitedHash{r: io.MultiReader(bytes.NewReader(head), up.Body), max: limit, h: sha256.New()}
	info, err := s.Files.Put(ctx, SourceKey(orgID, id), body, -1)
	if err != nil {
		if body.over {
			return Document{}, tooLarge(limit)
		}
		return Document{}, fmt.Errorf("store upload: %w", err)
	}
	d.FileSize, d.SHA256 = info.Size, hex.EncodeToString(body.h.Sum(nil))
	return d, nil
}

// removeFile deletes a stored object that no row points at.
func (s *Service) removeFile(ctx context.Context, key string) {
	if err := s.Files.Delete(context.WithoutCancel(ctx), key); err != nil {
		slog.ErrorContext(ctx, "upload: stray file not removed", "key", key, "err", err)
	}
}

func tooLarge(limit int64) error {
	return apperr.New(apperr.TooLarge, "file_too_large",
		fmt.Sprintf("the file is larger than the limit of %d bytes (MAX_FILE_SIZE)", limit))
}

func unsupportedDetail(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": "); i > 0 && strings.HasPrefix(msg, "unsupported_format") {
		msg = msg[i+2:]
	}
	if !strings.Contains(msg, "supported:") {
		msg += " (supported: " + strings.Join(extract.Extensions, " ") + ")"
	}
	return msg
}

// cleanName keeps the base name of an uploaded file for display; it is
// never used to build a storage key.
func cleanName(name string) (string, error) {
	name = strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "" || name == "." || name == "/" {
		return "", apperr.Field("file", "a file name is required")
	}
	if !utf8.ValidString(name) || len(name) > 255 || strings.ContainsAny(name, "\x00\r\n") {
		return "", apperr.Field("file", "the file name must be valid UTF-8 of at most 255 bytes")
	}
	return name, nil
}

// contentTypeOf names the media type of a sniffed kind.
func contentTypeOf(kind, name string) string {
	types := map[string]string{
		"pdf": "application/pdf", "html": "text/html", "txt": "text/plain", "md": "text/markdown", "csv": "text/csv",
		"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
		"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"doc":  "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint",
	}
	if t, ok := types[kind]; ok {
		return t
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".tif", ".tiff":
		return "image/tiff"
	case ".png", ".gif", ".bmp", ".webp":
		return "image/" + ext[1:]
	}
	return "application/octet-stream"
}

// limitedHash reads r, hashing what passes, and fails once more than max
// bytes came through (so the store discards the partial object).
type limitedHash struct {
	r    io.Reader
	max  int64
	n    int64
	h    hash.Hash
	over bool
}

func (l *limitedHash) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		l.over = true
		return 0, errFileTooLarge
	}
	l.h.Write(p[:n])
	return n, err
}

var errFileTooLarge = errors.New("file larger than MAX_FILE_SIZE")
