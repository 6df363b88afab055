package sharepoint

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Error is a failed token request or Graph call.
type Error struct {
	Op         string // "token", "GET /shares/…/driveItem"
	Status     int    // HTTP status; 0 when no answer came
	Code       string // Graph's or the token endpoint's error code
	Message    string
	Permission string        // the Graph application permission probably missing (401/403)
	RetryAfter time.Duration // 429/503 hint
	Err        error

	retryAfterSet bool
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("sharepoint: ")
	b.WriteString(e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if e.Permission != "" {
		fmt.Fprintf(&b, " (the app registration probably lacks the %s application permission, with admin consent)", e.Permission)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Unauthorized reports a 401 or 403 answer.
func (e *Error) Unauthorized() bool {
	return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
}

// withPermission names the permission an access-denied answer points at.
func withPermission(err error, permission string) error {
	if e, ok := err.(*Error); ok && e.Op != "token" && e.Unauthorized() {
		e.Permission = permission
	}
	return err
}

// Throttled reports a 429 or 503 answer (throttling that outlasted the retries).
func (e *Error) Throttled() bool {
	return e.Status == http.StatusTooManyRequests || e.Status == http.StatusServiceUnavailable
}

// NotFound reports a 404 answer.
func (e *Error) NotFound() bool { return e.Status == http.StatusNotFound }
