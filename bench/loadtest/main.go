// Command loadtest runs mixed tenant traffic against a real Curatore on
// loopback and then checks tenant isolation and the audit trail:
//
//	go run ./bench/loadtest -clients 50 -orgs 5 -duration 30s
//
// It starts the application in-process on 127.0.0.1 (a fresh SQLite
// database in a temp dir, or PostgreSQL with -postgres URL), creates the
// organizations and their admins, then lets every client loop over reads and
// writes until the duration ends. Afterwards it verifies: no 5xx, every
// invitation is visible to its own organization only, and the number of
// successful audit rows equals the number of successful mutations. The exit
// status is non-zero when a check fails. Traffic never leaves loopback.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"sort"
	"sync"
	"time"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/config"
)

func main() {
	clients := flag.Int("clients", 50, "concurrent clients")
	orgs := flag.Int("orgs", 5, "organizations (clients are spread over them)")
	duration := flag.Duration("duration", 30*time.Second, "how long the load runs")
	pg := flag.String("postgres", "", "PostgreSQL URL (default: SQLite in a temp dir)")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := run(*clients, *orgs, *duration, *pg); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
}

func run(clients, orgs int, duration time.Duration, pg string) error {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	dir, err := os.MkdirTemp("", "curatore-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dbURL := "sqlite:///" + dir + "/load.db"
	if pg != "" {
		dbURL = pg
	}
	cfg, err := config.FromMap(map[string]string{"DATABASE_URL": dbURL, "ENABLE_AUTH": "true",
		"JWT_SECRET_KEY": "load-test-secret-0123456789abcdef0123456789", "BCRYPT_ROUNDS": "8",
		"RATE_LIMIT_LOGIN_PER_MINUTE": "100000"})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = a.Serve(ctx, ln, 5*time.Second) }()
	base := "http://" + ln.Addr().String()
	fmt.Printf("server %s, database %s, %d clients in %d orgs for %s\n", base, a.DB.Engine(), clients, orgs, duration)

	tenants, err := setup(ctx, a, base, orgs)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	// Sign every client in before the clock starts: logins and key creation
	// are setup, not part of the measured mutations.
	stats := newStats()
	var cs []*client
	for i := 0; i < clients; i++ {
		c, err := newClient(base, tenants[i%len(tenants)], i, stats)
		if err != nil {
			return err
		}
		cs = append(cs, c)
	}
	start := time.Now().UTC()
	deadline := start.Add(duration)
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.loop(deadline)
		}()
	}
	wg.Wait()
	end := time.Now().UTC()
	elapsed := end.Sub(start)
	stats.print(elapsed)
	return verify(ctx, a, base, tenants, stats, start, end)
}

// stats counts requests, statuses and latencies across clients.
type stats struct {
	mu            sync.Mutex
	latencies     []time.Duration
	byOp          map[string]int
	fivexx        []string
	mutations     map[string]int // successful mutations per org id
	mutationsByOp map[string]int
	invited       map[string][]string
}

func newStats() *stats {
	return &stats{byOp: map[string]int{}, mutations: map[string]int{}, mutationsByOp: map[string]int{}, invited: map[string][]string{}}
}

func (s *stats) record(op string, status int, d time.Duration, orgID string, mutation bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latencies = append(s.latencies, d)
	s.byOp[fmt.Sprintf("%s %d", op, status)]++
	if status >= 500 {
		s.fivexx = append(s.fivexx, fmt.Sprintf("%s → %d", op, status))
	}
	if mutation && status >= 200 && status < 300 {
		s.mutations[orgID]++
		s.mutationsByOp[orgID+" "+op]++
	}
}

func (s *stats) print(elapsed time.Duration) {
	sort.Slice(s.latencies, func(i, j int) bool { return s.latencies[i] < s.latencies[j] })
	n := len(s.latencies)
	if n == 0 {
		fmt.Println("no requests made")
		return
	}
	pct := func(p float64) time.Duration { return s.latencies[int(float64(n-1)*p)] }
	fmt.Printf("requests %d in %s = %.0f req/s; latency p50 %s p95 %s p99 %s max %s\n", n, elapsed.Round(time.Millisecond),
		float64(n)/elapsed.Seconds(), pct(0.5), pct(0.95), pct(0.99), s.latencies[n-1])
	keys := make([]string, 0, len(s.byOp))
	for k := range s.byOp {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("  %-32s %d\n", k, s.byOp[k])
	}
}

// httpClient is shared: keep-alive connections to the loopback server.
var httpClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 200}}
