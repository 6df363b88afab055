package webhook

import (
	"errors"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	body := []byte(`{"event":"job.completed"}`)
	at := time.Unix(1700000000, 0)
	h := Sign("whsec_test", at, body)
	// Computed independently, as the README shows:
	// printf '%s' '1700000000.{"event":"job.completed"}' | openssl dgst -sha256 -hmac whsec_test -hex
	const want = "t=1700000000,v1=51be9920773f454007b9aaf2ef84578604f287a1ad8b1cf6918458c66aac6bd8"
	if h != want {
		t.Fatalf("Sign = %q, want %q", h, want)
	}
	cases := []struct {
		name   string
		secret string
		header string
		body   []byte
		now    time.Time
		want   error
	}{
		{"valid", "whsec_test", h, body, at.Add(time.Minute), nil},
		{"other secret", "whsec_other", h, body, at, ErrBadSignature},
		{"body changed", "whsec_test", h, []byte(`{"event":"job.failed"}`), at, ErrBadSignature},
		{"timestamp changed", "whsec_test", "t=1700000001" + h[len("t=1700000000"):], body, at, ErrBadSignature},
		{"replayed later", "whsec_test", h, body, at.Add(10 * time.Minute), ErrStale},
		{"garbage", "whsec_test", "nonsense", body, at, ErrBadSignature},
		{"second v1 matches", "whsec_test", "t=1700000000,v1=00," + h[len("t=1700000000,"):], body, at, nil},
	}
	for _, c := range cases {
		if err := Verify(c.secret, c.header, c.body, 5*time.Minute, c.now); !errors.Is(err, c.want) && err != c.want {
			t.Errorf("%s: Verify = %v, want %v", c.name, err, c.want)
		}
	}
}
