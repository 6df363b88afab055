// Package remote talks to the external extraction engines Curatore can use
// beside its native one: Docling Serve and the reference system's
// extraction service. Both are plain HTTP+JSON APIs, so the clients use
// net/http and mime/multipart from the standard library; no SDK exists for
// Go and none is needed.
//
// The clients return their own Result type and *Error values that say
// whether a failure is transient (timeouts, connection failures, 5xx, 429)
// so that package extract can retry those and move on at once after a 4xx.
// Package extract adapts them to its Engine interface; keeping that out of
// here avoids an import cycle.
package remote

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/netguard"
)

// maxResponse bounds a response body (the Markdown of a very long document).
const maxResponse = 256 << 20

// Result is a document converted by an external engine.
type Result struct {
	Markdown  string
	Method    string
	PageCount int
	OCRUsed   bool
	Warnings  []string
}

// Error is a failed call to an external engine.
type Error struct {
	Engine string
	// Status is the HTTP status, 0 when no response came.
	Status int
	// Code is the conversion error code when the engine's answer maps to
	// one (422 → empty, 413 → too_large, 415 → unsupported, timeouts).
	Code format.Code
	// Transient is true for failures worth retrying: timeouts, connection
	// errors, 5xx, 408 and 429.
	Transient bool
	Msg       string
	Err       error
}

func (e *Error) Error() string {
	s := e.Engine + ": " + e.Msg
	if e.Status != 0 {
		s = fmt.Sprintf("%s: HTTP %d: %s", e.Engine, e.Status, e.Msg)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether retrying may help.
func (e *Error) Temporary() bool { return e.Transient }

// Shared clients for engines built without one (the zero value).
var (
	verifyingClient = sync.OnceValue(func() *http.Client { return newClient(true) })
	trustingClient  = sync.OnceValue(func() *http.Client { return newClient(false) })
)

func sharedClient(verifyTLS bool) *http.Client {
	if verifyTLS {
		return verifyingClient()
	}
	return trustingClient()
}

// newClient returns an HTTP client; the timeout is applied per call through
// the context instead, so that polling can span several requests.
func newClient(verifyTLS bool) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if !verifyTLS {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // DOCLING_VERIFY_SSL=false asks for it
	}
	return &http.Client{Transport: tr}
}

// statusError turns a non-2xx response into an *Error.
func statusError(engine string, resp *http.Response) *Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	msg := strings.Join(strings.Fields(string(body)), " ")
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	e := &Error{Engine: engine, Status: resp.StatusCode, Msg: msg}
	switch s := resp.StatusCode; {
	case s >= 500, s == http.StatusRequestTimeout, s == http.StatusTooManyRequests:
		e.Transient = true
	case s == http.StatusUnprocessableEntity:
		e.Code = format.CodeEmpty
	case s == http.StatusRequestEntityTooLarge:
		e.Code = format.CodeTooLarge
	case s == http.StatusUnsupportedMediaType:
		e.Code = format.CodeUnsupported
	}
	return e
}

// transportError classifies an error from http.Client.Do.
func transportError(ctx context.Context, engine string, err error) *Error {
	e := &Error{Engine: engine, Msg: "request failed", Err: err, Transient: true}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		e.Msg, e.Code = "no answer in time", format.CodeTimeout
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		e.Msg, e.Transient = "cancelled", false
	case errors.Is(err, netguard.ErrRefused):
		// The address policy will refuse it again on every retry.
		// Err names the address and why it was refused.
		e.Msg, e.Transient = "address not allowed (the operator can allow private networks with CONNECTIONS_ALLOW_PRIVATE=true)", false
	case netguard.IsCertificateError(err):
		// A certificate will not become valid by asking again.
		e.Msg, e.Transient = "TLS certificate rejected (DOCLING_VERIFY_SSL=false skips the check)", false
	}
	return e
}

// do sends req and decodes a 2xx JSON answer into v.
func do(ctx context.Context, client *http.Client, engine string, req *http.Request, v any) error {
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		return transportError(ctx, engine, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return statusError(engine, resp)
	}
	if v == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxResponse)).Decode(v); err != nil {
		if ctx.Err() != nil {
			return transportError(ctx, engine, ctx.Err())
		}
		return &Error{Engine: engine, Status: resp.StatusCode, Msg: "unreadable answer", Err: err, Transient: true}
	}
	return nil
}

// multipartBody builds a form with the file under field and extra fields.
func multipartBody(field, name string, data []byte, fields [][2]string) (*bytes.Buffer, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			return nil, "", err
		}
	}
	if name == "" {
		name = "document"
	}
	ct := mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
	if ct == "" {
		ct = "application/octet-stream"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filepath.Base(name)))
	h.Set("Content-Type", ct)
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(data); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return &buf, w.FormDataContentType(), nil
}

// health GETs url and expects a 2xx answer.
func health(ctx context.Context, client *http.Client, engine, url string, timeout time.Duration, authorize func(*http.Request)) error {
	if timeout <= 0 || timeout > 10*time.Second {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return &Error{Engine: engine, Msg: "bad URL", Err: err}
	}
	authorize(req)
	return do(ctx, client, engine, req, nil)
}
