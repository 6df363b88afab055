package pdf

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// maxWorkers bounds how many PDFium instances (one WebAssembly module each)
// run at once; each may use up to wasmMemoryLimitPages of memory.
const maxWorkers = 4

// wasmMemoryLimitPages caps one PDFium instance's linear memory at 1 GiB
// (64 KiB pages), so a hostile PDF cannot take the whole machine.
const wasmMemoryLimitPages = 16384

var engine struct {
	once sync.Once
	pool pdfium.Pool
	err  error
}

// pool returns the process-wide PDFium pool, compiling the WebAssembly module
// on first use. The compiled machine code is cached on disk (under
// os.UserCacheDir()/curatore/wazero) so later processes start in ~100 ms
// instead of the several seconds a cold compile takes.
func pool() (pdfium.Pool, error) {
	engine.once.Do(func() {
		engine.pool, engine.err = newPool(maxWorkers)
	})
	return engine.pool, engine.err
}

// Warm starts the engine now (compiling the module, or loading it from the
// cache) so that the first conversion does not wait for it; the server
// and the workers call it in the background at start-up.
func Warm() error {
	_, err := pool()
	return err
}

// newPool compiles the PDFium module and starts a pool of up to size
// instances.
func newPool(size int) (pdfium.Pool, error) {
	rc := wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithMemoryLimitPages(wasmMemoryLimitPages)
	if cache := compilationCache(); cache != nil {
		rc = rc.WithCompilationCache(cache)
	}
	return webassembly.Init(webassembly.Config{
		// A first compile (no cache yet, or a new version) uses every core.
		Context:       experimental.WithCompilationWorkers(context.Background(), runtime.GOMAXPROCS(0)),
		MinIdle:       1,
		MaxIdle:       size,
		MaxTotal:      size,
		ReuseWorkers:  true,
		RuntimeConfig: rc,
		// PDFium gets the document as bytes; it needs no file system.
		FSConfig: wazero.NewFSConfig(),
		Stdout:   discard{},
		Stderr:   discard{},
	})
}

// instance takes one PDFium instance from the pool, waiting at most wait.
func instance(wait time.Duration) (pdfium.Pdfium, error) {
	p, err := pool()
	if err != nil {
		return nil, err
	}
	return p.GetInstance(wait)
}

// compilationCache returns the on-disk wazero cache, or nil when no cache
// directory can be created (then every process compiles afresh: slower, but
// correct).
func compilationCache() wazero.CompilationCache {
	dir := os.Getenv("CURATORE_CACHE_DIR")
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dir = filepath.Join(base, "curatore")
	}
	dir = filepath.Join(dir, "wazero")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil
	}
	cache, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return nil
	}
	return cache
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
