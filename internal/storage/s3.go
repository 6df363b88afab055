package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 is the S3-compatible backend (AWS S3, MinIO, versitygw, Ceph, R2 …).
// Objects are stored at Prefix + key in one bucket. Uploads of unknown
// length are multipart uploads of PartSize parts, so an upload holds one
// part in memory, never the whole object; a failed or cancelled upload is
// aborted, so no object and no parts are left.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
	part   uint64
	// endpoint is S3_ENDPOINT as configured, for the health report.
	endpoint string
}

// smallObject is how much of an upload of unknown length is read ahead:
// if the stream ends within it, the object goes up in one request instead
// of a multipart upload.
const smallObject = 1 << 20

// NewS3 returns a store on cfg's bucket. It does not contact the server;
// Check does.
func NewS3(cfg S3Config) (*S3, error) {
	if errs := cfg.validate(); len(errs) > 0 {
		return nil, fmt.Errorf("storage: %w", errors.Join(errs...))
	}
	host, secure, _ := cfg.endpoint()
	lookup := minio.BucketLookupDNS
	if cfg.UsePathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKeyID, cfg.SecretAccessKey, ""),
		Secure:       secure,
		Region:       cfg.Region,
		BucketLookup: lookup,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: s3 client: %w", err)
	}
	part := cfg.PartSize
	if part == 0 {
		part = DefaultPartSize
	}
	return &S3{client: client, bucket: cfg.Bucket, prefix: cfg.Prefix, part: uint64(part), endpoint: cfg.Endpoint}, nil
}

// Put implements Store.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64) (Info, error) {
	if err := ValidateKey(key); err != nil {
		return Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	opts := minio.PutObjectOptions{PartSize: s.part, ContentType: "application/octet-stream"}
	body := io.Reader(ctxReader{ctx: ctx, r: r})
	if size < 0 {
		// Read a little ahead: a small object is one PUT of known size.
		head := make([]byte, smallObject)
		n, err := io.ReadFull(body, head)
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			body, size = bytes.NewReader(head[:n]), int64(n)
		case err != nil:
			return Info{}, fmt.Errorf("storage: write %s: %w", key, err)
		default:
			body = io.MultiReader(bytes.NewReader(head), body)
		}
	} else {
		body = &exactReader{r: body, left: size}
	}
	if _, err := s.client.PutObject(ctx, s.bucket, s.prefix+key, body, size, opts); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
		return Info{}, fmt.Errorf("storage: write %s: %w", key, err)
	}
	return s.Stat(ctx, key)
}

// exactReader fails a stream that ends before its announced size or goes
// on past it, so neither a short nor a truncated upload is ever stored as
// a complete object. On reaching the size it probes one more byte, before
// the client can finish the upload.
type exactReader struct {
	r    io.Reader
	left int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, e.probe()
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	switch {
	case err == io.EOF && e.left > 0:
		return n, errShortBody
	case err == nil && e.left == 0:
		return n, e.probe()
	}
	return n, err
}

// probe returns io.EOF when the stream has ended, errLongBody otherwise.
func (e *exactReader) probe() error {
	var one [1]byte
	for range 100 {
		n, err := e.r.Read(one[:])
		switch {
		case n > 0:
			return errLongBody
		case err != nil && err != io.EOF:
			return err
		case err == io.EOF:
			return io.EOF
		}
	}
	return io.ErrNoProgress
}

var errLongBody = errors.New("stream is longer than its announced size")

var errShortBody = errors.New("stream ended before its announced size")

// Get implements Store.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ValidateKey(key); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.prefix+key, minio.GetObjectOptions{})
	if err != nil {
		return nil, s.mapErr(key, err)
	}
	// Stat makes the first request, so a missing key fails here and not on
	// the caller's first Read.
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, s.mapErr(key, err)
	}
	return obj, nil
}

// Stat implements Store.
func (s *S3) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidateKey(key); err != nil {
		return Info{}, err
	}
	oi, err := s.client.StatObject(ctx, s.bucket, s.prefix+key, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, s.mapErr(key, err)
	}
	return Info{Key: key, Size: oi.Size, Modified: oi.LastModified.UTC()}, nil
}

// Delete implements Store.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	err := s.client.RemoveObject(ctx, s.bucket, s.prefix+key, minio.RemoveObjectOptions{})
	if err != nil && !errors.Is(s.mapErr(key, err), ErrNotFound) {
		return fmt.Errorf("storage: delete %s: %w", key, err)
	}
	return nil
}

// List implements Store.
func (s *S3) List(ctx context.Context, prefix string, fn func(Info) error) error {
	if err := validatePrefix(prefix); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for oi := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix + prefix, Recursive: true}) {
		if oi.Err != nil {
			return fmt.Errorf("storage: list %q: %w", prefix, oi.Err)
		}
		key := oi.Key[len(s.prefix):]
		if ValidateKey(key) != nil {
			continue // not ours: a folder marker or a foreign name
		}
		if err := fn(Info{Key: key, Size: oi.Size, Modified: oi.LastModified.UTC()}); err != nil {
			return fmt.Errorf("storage: list %q: %w", prefix, err)
		}
	}
	return ctx.Err()
}

// mapErr turns "no such key" answers into ErrNotFound; a missing bucket
// stays an error.
func (s *S3) mapErr(key string, err error) error {
	resp := minio.ToErrorResponse(err)
	if resp.Code != minio.NoSuchBucket && (resp.Code == minio.NoSuchKey || resp.StatusCode == 404) {
		return fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return fmt.Errorf("storage: %s: %w", key, err)
}

// Check reports whether the bucket exists and the credentials reach it.
func (s *S3) Check(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("bucket %s: %w", s.bucket, err)
	}
	if !ok {
		return fmt.Errorf("bucket %s does not exist", s.bucket)
	}
	return nil
}
