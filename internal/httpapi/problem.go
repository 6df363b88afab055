package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/sanitize"
)

// Problem is an RFC 9457 problem document. Every error response has this
// shape, with Content-Type application/problem+json.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Code      string              `json:"code"`
	Detail    string              `json:"detail"`
	Instance  string              `json:"instance,omitempty"`
	RequestID string              `json:"request_id,omitempty"`
	Errors    []apperr.FieldError `json:"errors,omitempty"`
	// Extra are extension members written beside the standard ones.
	Extra map[string]any `json:"-"`
}

// MarshalJSON writes the standard members plus the extension members.
func (p Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	b, err := json.Marshal(plain(p))
	if err != nil || len(p.Extra) == 0 {
		return b, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range p.Extra {
		if _, taken := m[k]; !taken {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

// writeProblem writes p, filling in type, title and request id.
func writeProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	p.Instance = sanitize.String(redactPath(r.URL.Path))
	p.RequestID = requestID(r.Context())
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeError maps a domain error to a problem. Unknown errors are 500 with a
// generic message; the real error goes to the log only.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		slog.ErrorContext(r.Context(), "internal error", "err", err, "method", r.Method, "path", redactPath(r.URL.Path),
			"request_id", requestID(r.Context()))
		writeProblem(w, r, Problem{Status: status, Code: "internal_error", Detail: "An unexpected error occurred."})
		return
	}
	p := Problem{Status: status, Code: "error", Detail: err.Error()}
	if e, ok := apperr.As(err); ok {
		p.Code, p.Detail, p.Errors, p.Extra = e.Code, e.Detail, e.Fields, e.Extra
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="curatore"`)
	}
	writeProblem(w, r, p)
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, apperr.NotFound):
		return http.StatusNotFound
	case errors.Is(err, apperr.Conflict):
		return http.StatusConflict
	case errors.Is(err, apperr.Invalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, apperr.Unauthenticated):
		return http.StatusUnauthorized
	case errors.Is(err, apperr.Forbidden):
		return http.StatusForbidden
	case errors.Is(err, apperr.RateLimited):
		return http.StatusTooManyRequests
	case errors.Is(err, apperr.Unavailable):
		return http.StatusServiceUnavailable
	case errors.Is(err, apperr.TooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, errUnsupportedMediaType), errors.Is(err, apperr.Unsupported):
		return http.StatusUnsupportedMediaType
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// maxJSONBody bounds request bodies decoded as JSON.
const maxJSONBody = 1 << 20

// errUnsupportedMediaType is the kind of a body that is not declared JSON.
var errUnsupportedMediaType = errors.New("unsupported media type")

// requireJSON refuses a body whose Content-Type is not application/json. A
// browser's cross-site form post cannot send that type without a CORS
// preflight, so this also stops simple cross-site requests.
func requireJSON(r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && mt == "application/json" {
		return nil
	}
	return &apperr.Error{Kind: errUnsupportedMediaType, Code: "unsupported_media_type",
		Detail: "the request body must be JSON, sent with Content-Type: application/json"}
}

// DecodeJSON reads a JSON body into dst. The body must be declared as
// application/json (415 otherwise). Malformed JSON, a wrong type for a
// field and an oversized body are field-level problems, never a 500.
// Unknown fields are ignored, as the reference did. Every decoded string is
// made valid UTF-8 without NUL bytes, so it can be stored on any engine.
func DecodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if err := requireJSON(r); err != nil {
		return err
	}
	defer sanitize.Value(dst)
	body := http.MaxBytesReader(w, r.Body, maxJSONBody)
	dec := json.NewDecoder(body)
	if err := dec.Decode(dst); err != nil {
		var mbe *http.MaxBytesError
		var ute *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &mbe):
			return apperr.New(apperr.Invalid, "body_too_large", "the request body exceeds 1 MiB")
		case errors.Is(err, io.EOF):
			return apperr.Field("body", "a JSON object is required")
		case errors.As(err, &ute):
			field := ute.Field
			if field == "" {
				field = "body"
			}
			return &apperr.Error{Kind: apperr.Invalid, Code: "invalid_json", Detail: "a field has the wrong type",
				Fields: []apperr.FieldError{{Field: field, Reason: "must be " + jsonKind(ute.Type.Kind().String())}}}
		case errors.As(err, &se):
			return &apperr.Error{Kind: apperr.Invalid, Code: "invalid_json", Detail: "the request body is not valid JSON",
				Fields: []apperr.FieldError{{Field: "body", Reason: "syntax error at byte " + strconv.FormatInt(se.Offset, 10)}}}
		default:
			return &apperr.Error{Kind: apperr.Invalid, Code: "invalid_json", Detail: "the request body is not valid JSON",
				Fields: []apperr.FieldError{{Field: "body", Reason: err.Error()}}}
		}
	}
	if dec.More() {
		return apperr.Field("body", "must hold a single JSON value")
	}
	return nil
}

func jsonKind(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"), strings.HasPrefix(goKind, "float"):
		return "a number"
	case goKind == "bool":
		return "a boolean"
	case goKind == "string":
		return "a string"
	case goKind == "slice", goKind == "array":
		return "an array"
	}
	return "an object"
}

// writeJSON writes v with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}
