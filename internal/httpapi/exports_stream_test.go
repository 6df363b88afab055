package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestResponseStreamOutlivesWriteTimeout: an export that keeps writing for
// longer than the server's WriteTimeout is sent whole through a
// responseStream, and cut without one.
func TestResponseStreamOutlivesWriteTimeout(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stream bool
	}{{"responseStream", true}, {"plain writer", false}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var out io.Writer = w
				if tc.stream {
					out = &responseStream{w: w, headers: map[string]string{"Content-Type": "text/plain"}, window: 300 * time.Millisecond}
				}
				for range 10 {
					if _, err := out.Write([]byte(strings.Repeat("x", 64<<10))); err != nil {
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}))
			srv.Config.WriteTimeout = 200 * time.Millisecond
			srv.Start()
			defer srv.Close()
			resp, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			n, err := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if whole := err == nil && n == 10*64<<10; whole != tc.stream {
				t.Errorf("read %d bytes, err %v; want whole %v", n, err, tc.stream)
			}
		})
	}
}
