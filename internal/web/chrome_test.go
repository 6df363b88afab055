package web_test

import (
	"context"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromium is Debian's headless browser (packages chromium and
// chromium-driver, installed by .ci/run).
const chromium = "/usr/bin/chromium"

// chrome is a headless Chromium tab for one test, collecting the errors the
// page logs (a Content-Security-Policy violation, a failed asset) and
// accepting confirmation dialogs.
type chrome struct {
	t      *testing.T
	ctx    context.Context
	base   string
	mu     sync.Mutex
	errors []string
}

// newChrome starts Chromium with a fresh profile. Without Chromium the test
// is skipped — except under CI=true, where it fails.
func newChrome(t *testing.T, base string) *chrome {
	t.Helper()
	path := chromium
	if _, err := os.Stat(path); err != nil {
		if p, lerr := exec.LookPath("chromium"); lerr == nil {
			path = p
		} else if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is not installed at %s (CI=true: failing instead of skipping)", chromium)
		} else {
			t.Skipf("Chromium is not installed at %s; apt-get install chromium chromium-driver", chromium)
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelCtx(); cancelAlloc() })
	c := &chrome{t: t, ctx: ctx, base: base}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	entries := chromedp.Events(ctx, log.EntryAdded)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("enable the browser log: %v", err)
	}
	go c.collect(entries)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return c
}

// collect keeps the error entries of the browser log.
func (c *chrome) collect(entries iter.Seq2[log.EventEntryAdded, error]) {
	for ev, err := range entries {
		if err != nil {
			return
		}
		e := ev.Entry
		// A page answered with 4xx on purpose (a form error) is logged as a
		// network error too; only failed assets count.
		if e != nil && e.Level == log.EntryLevelError && (e.Source != "network" || strings.Contains(e.URL, "/static/")) {
			c.mu.Lock()
			c.errors = append(c.errors, string(e.Source)+": "+e.Text+" "+e.URL)
			c.mu.Unlock()
		}
	}
}

// do runs actions and fails the test on error.
func (c *chrome) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	if err := chromedp.Do(c.ctx, actions...); err != nil {
		c.t.Fatalf("%s: %v", what, err)
	}
}

// open navigates to a path and waits for the page's main element.
func (c *chrome) open(path string) {
	c.t.Helper()
	c.do("open "+path, chromedp.Navigate(c.base+path), chromedp.WaitVisible(chromedp.CSS("main")))
}

// text returns the visible text of the first element matching a CSS selector.
func (c *chrome) text(sel string) string {
	c.t.Helper()
	s, err := chromedp.Run(c.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		c.t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// value returns the value of a form field.
func (c *chrome) value(sel string) string {
	c.t.Helper()
	s, err := chromedp.Run(c.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		c.t.Fatalf("read the value of %s: %v", sel, err)
	}
	return s
}

// expectText fails unless the element matching sel shows want.
func (c *chrome) expectText(sel, want string) {
	c.t.Helper()
	if got := c.text(sel); !strings.Contains(got, want) {
		c.t.Fatalf("%s shows %q, want %q", sel, got, want)
	}
}

// noPageErrors fails on errors the browser logged so far (CSP
// violations, missing assets, script errors).
func (c *chrome) noPageErrors() {
	c.t.Helper()
	time.Sleep(100 * time.Millisecond) // let the last log events arrive
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.errors {
		c.t.Errorf("browser error: %s", e)
	}
	c.errors = nil
}

// screenshotDir is where page screenshots go: CURATORE_SCREENSHOT_DIR, or a
// folder under the system temp dir. Never inside the repository.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("CURATORE_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "curatore-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// shot saves a full-page screenshot as name.png.
func (c *chrome) shot(name string) {
	c.t.Helper()
	buf, err := chromedp.Run(c.ctx, chromedp.FullScreenshot(100)) // quality 100 makes a PNG
	if err != nil {
		c.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir(c.t), name+".png"), buf, 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// phone switches to a phone-sized viewport; desktop switches back.
func (c *chrome) phone() {
	c.call("phone viewport", func() error {
		_, err := chromedp.Call(c.ctx, emulation.SetDeviceMetricsOverride,
			emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 2, Mobile: true})
		return err
	})
}

func (c *chrome) desktop() {
	c.call("desktop viewport", func() error {
		_, err := chromedp.Call(c.ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
		return err
	})
}

// dark switches the page to the dark colour scheme, or back to light.
func (c *chrome) dark(on bool) {
	scheme := "light"
	if on {
		scheme = "dark"
	}
	c.call("colour scheme", func() error {
		_, err := chromedp.Call(c.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return err
	})
}

func (c *chrome) call(what string, fn func() error) {
	c.t.Helper()
	if err := fn(); err != nil {
		c.t.Fatalf("%s: %v", what, err)
	}
}

// texts returns the trimmed text of every element matching a CSS selector.
func (c *chrome) texts(sel string) []string {
	c.t.Helper()
	js := `Array.from(document.querySelectorAll(` + strconv.Quote(sel) + `)).map(e => e.textContent.trim())`
	out, err := chromedp.Run(c.ctx, chromedp.Evaluate[[]string](js))
	if err != nil {
		c.t.Fatalf("read %s: %v", sel, err)
	}
	return out
}

// waitText waits until the element matching sel shows want (live updates).
func (c *chrome) waitText(sel, want string, timeout time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	js := `Array.from(document.querySelectorAll(` + strconv.Quote(sel) + `)).map(e => e.textContent.trim())`
	for {
		// A navigation may be under way: an error here means "not yet".
		got, err := chromedp.Run(c.ctx, chromedp.Evaluate[[]string](js))
		if err == nil && len(got) > 0 && strings.Contains(got[0], want) {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s shows %q after %s, want %q", sel, got, timeout, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// reload loads the current page again.
func (c *chrome) reload() {
	c.t.Helper()
	c.do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("main")))
}

// downloads lets the browser save downloads into a fresh folder and
// returns it.
func (c *chrome) downloads() string {
	c.t.Helper()
	dir := c.t.TempDir()
	c.call("allow downloads", func() error {
		_, err := chromedp.CallBrowser(c.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
		return err
	})
	return dir
}

// waitDownload waits for a finished download whose name ends in suffix and
// returns its content.
func (c *chrome) waitDownload(dir, suffix string) []byte {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), suffix) {
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err == nil && len(b) > 0 {
					return b
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.t.Fatalf("no download ending in %s", suffix)
	return nil
}
