package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/health"
	"github.com/curatore/curatore/internal/httpapi"
)

// TestGracefulShutdownFinishesInFlightRequests cancels the server while a
// slow request is running: the request completes, new connections are refused.
func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	d := dbtest.New(t)
	cfg, _ := config.FromMap(nil)
	started := make(chan struct{})
	slow := httpapi.Route{Method: "GET", Path: "/api/v1/test/slow", Tag: "test", Access: httpapi.Public,
		Handle: func(w http.ResponseWriter, r *http.Request) error {
			close(started)
			time.Sleep(300 * time.Millisecond)
			_, err := io.WriteString(w, "done")
			return err
		}}
	a := &App{Config: cfg, DB: d, Health: health.NewRegistry()}
	a.API = httpapi.New(httpapi.Deps{Config: cfg, DB: d, Health: a.Health, Version: "test", Extra: []httpapi.Route{slow}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln, 5*time.Second) }()
	body := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/api/v1/test/slow")
		if err != nil {
			body <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body <- string(b)
	}()
	<-started
	cancel()
	if got := <-body; got != "done" {
		t.Fatalf("in-flight request got %q", got)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Fatal("server still accepts connections after shutdown")
	}
}

func TestNewOpensMigratesAndBuilds(t *testing.T) {
	dir := t.TempDir()
	cfg, err := config.FromMap(map[string]string{"DATABASE_URL": "sqlite:///" + dir + "/sub/dir/c.db", "FILES_ROOT": dir + "/files"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if v, err := a.DB.Version(context.Background()); err != nil || v == 0 {
		t.Fatalf("version %d %v", v, err)
	}
}
