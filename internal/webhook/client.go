package webhook

import (
	"net/http"

	"github.com/curatore/curatore/internal/netguard"
)

// NewClient returns the HTTP client deliveries are sent with: every dial
// goes through policy (loopback and private addresses refused unless
// WEBHOOK_ALLOW_PRIVATE=true, cloud metadata always), proxies are ignored,
// and redirects are not followed — a receiver answers where it was
// registered, and a 3xx counts as a failed attempt.
func NewClient(policy netguard.Policy) *http.Client {
	return &http.Client{
		Transport:     policy.Transport(false),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
