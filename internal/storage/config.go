package storage

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// The backends STORAGE_BACKEND names.
const (
	BackendLocal = "local"
	BackendS3    = "s3"
)

// Config chooses and configures the blob store.
type Config struct {
	// Backend is STORAGE_BACKEND: "local" (default) or "s3".
	Backend string
	// Legacy is the reference system's STORAGE_BACKEND value ("memory" or
	// "redis", which chose its result cache) when one was given: it is read
	// as "local" so an existing .env keeps working, and Open warns.
	Legacy string
	// FilesRoot is FILES_ROOT, the local backend's directory.
	FilesRoot string
	// S3 configures the S3-compatible backend.
	S3 S3Config
}

// S3Config is the S3-compatible backend's settings.
type S3Config struct {
	// Endpoint is S3_ENDPOINT, e.g. "https://s3.eu-west-1.amazonaws.com"
	// or "http://127.0.0.1:7070"; without a scheme, https is assumed.
	Endpoint string
	// Bucket is S3_BUCKET; it must exist.
	Bucket string
	// Region is S3_REGION (default us-east-1).
	Region string
	// AccessKeyID is S3_ACCESS_KEY_ID.
	AccessKeyID string
	// SecretAccessKey is S3_SECRET_ACCESS_KEY.
	SecretAccessKey string
	// UsePathStyle is S3_USE_PATH_STYLE: "bucket in the path" addressing,
	// which most self-hosted servers need.
	UsePathStyle bool
	// Prefix is S3_KEY_PREFIX, prepended to every key, so several
	// deployments can share a bucket. Empty or ending in "/".
	Prefix string
	// PartSize is S3_PART_SIZE_MB in bytes: the size of each part of a
	// multipart upload, which is also the memory one upload holds.
	PartSize int64
}

// DefaultPartSize is the multipart part size unless S3_PART_SIZE_MB says
// otherwise.
const DefaultPartSize = 16 << 20

// ConfigFromEnv reads the storage configuration through getenv. Every
// invalid value is reported, joined.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	c := Config{
		Backend:   strings.ToLower(get("STORAGE_BACKEND")),
		FilesRoot: get("FILES_ROOT"),
		S3: S3Config{
			Endpoint:        get("S3_ENDPOINT"),
			Bucket:          get("S3_BUCKET"),
			Region:          get("S3_REGION"),
			AccessKeyID:     get("S3_ACCESS_KEY_ID"),
			SecretAccessKey: get("S3_SECRET_ACCESS_KEY"),
			Prefix:          get("S3_KEY_PREFIX"),
			PartSize:        DefaultPartSize,
		},
	}
	switch c.Backend {
	case "":
		c.Backend = BackendLocal
	case "memory", "redis":
		c.Legacy, c.Backend = c.Backend, BackendLocal
	}
	if c.FilesRoot == "" {
		c.FilesRoot = "./data/files"
	}
	if c.S3.Region == "" {
		c.S3.Region = "us-east-1"
	}
	var errs []error
	if v := get("S3_USE_PATH_STYLE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("S3_USE_PATH_STYLE: %q is not a boolean", v))
		}
		c.S3.UsePathStyle = b
	}
	if v := get("S3_PART_SIZE_MB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 5 || n > 5120 {
			errs = append(errs, fmt.Errorf("S3_PART_SIZE_MB: %q must be a whole number from 5 to 5120", v))
		} else {
			c.S3.PartSize = int64(n) << 20
		}
	}
	errs = append(errs, c.Validate()...)
	return c, errors.Join(errs...)
}

// Validate lists what is wrong with c, one error per variable.
func (c Config) Validate() []error {
	var errs []error
	switch c.Backend {
	case BackendLocal:
		if c.FilesRoot == "" {
			errs = append(errs, errors.New("FILES_ROOT: must not be empty"))
		}
	case BackendS3:
		errs = append(errs, c.S3.validate()...)
	default:
		errs = append(errs, fmt.Errorf("STORAGE_BACKEND: %q is not local or s3", c.Backend))
	}
	return errs
}

func (c S3Config) validate() []error {
	var errs []error
	required := []struct{ name, v string }{
		{"S3_ENDPOINT", c.Endpoint}, {"S3_BUCKET", c.Bucket},
		{"S3_ACCESS_KEY_ID", c.AccessKeyID}, {"S3_SECRET_ACCESS_KEY", c.SecretAccessKey},
	}
	for _, r := range required {
		if r.v == "" {
			errs = append(errs, fmt.Errorf("%s: required when STORAGE_BACKEND=s3", r.name))
		}
	}
	if c.Endpoint != "" {
		if _, _, err := c.endpoint(); err != nil {
			errs = append(errs, fmt.Errorf("S3_ENDPOINT: %v", err))
		}
	}
	if c.Prefix != "" {
		if !strings.HasSuffix(c.Prefix, "/") || validatePrefix(c.Prefix) != nil {
			errs = append(errs, fmt.Errorf("S3_KEY_PREFIX: %q must be plain names separated by and ending with \"/\"", c.Prefix))
		}
	}
	return errs
}

// endpoint splits S3_ENDPOINT into host[:port] and whether to use TLS.
func (c S3Config) endpoint() (host string, secure bool, err error) {
	raw := c.Endpoint
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false, errors.New("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", false, fmt.Errorf("scheme %q is not http or https", u.Scheme)
	}
	if u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return "", false, errors.New("must be scheme://host[:port] with no path, query or credentials")
	}
	return u.Host, u.Scheme == "https", nil
}
