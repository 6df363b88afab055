package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/testenv"
)

// TestBrowserSourcesFlow drives Chromium through the SharePoint pages
// against the fake Graph: an inventory of a shared folder, two files
// chosen and imported (the job's progress live until its summary), a
// source added and synced with "Sync now" (live progress on the list while
// Graph throttles, then the counts), on a desktop and on a phone.
func TestBrowserSourcesFlow(t *testing.T) {
	env := testenv.New(t, "sqlite", nil)
	o := env.CreateOrg(t, "Acme Research")
	u := env.CreateUser(t, o.ID, auth.RoleAdmin, "Ada Admin")
	sp := newSPFolder(t, env, o.ID, u.ID, "Acme")
	c := newChrome(t, env.URL)
	c.open("/login")
	c.do("sign in", chromedp.SendKeys(chromedp.CSS("#login"), u.Email), chromedp.SendKeys(chromedp.CSS("#password"), u.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button`)), chromedp.WaitVisible(chromedp.CSS("nav.nav")))
	c.do("open Sources from the navigation", chromedp.Click(chromedp.CSS(`nav a[href="/sources"]`)), chromedp.WaitVisible(chromedp.CSS("#sn-name")))
	c.expectText("main", "No sources yet.")
	c.shot("sources-empty")

	// Inventory: an unknown link is explained beside the field, then the folder's files are listed.
	c.open("/sources/inventory")
	c.do("inventory of an unknown link", chromedp.SendKeys(chromedp.CSS("#inv-url"), "https://contoso.sharepoint.com/:f:/s/Team/Nope"),
		chromedp.Click(chromedp.CSS(`form[action="/sources/inventory"] button`)), chromedp.WaitVisible(chromedp.CSS("#inv-url-error")))
	c.expectText("#inv-url-error", "does not resolve")
	c.shot("sources-inventory-error")
	c.do("inventory", chromedp.SetValue(chromedp.CSS("#inv-url"), sp.link),
		chromedp.Click(chromedp.CSS(`form[action="/sources/inventory"] button`)), chromedp.WaitVisible(chromedp.CSS("#inv-form")))
	c.expectText("#files-h", "4 file(s)")
	c.do("choose two files", chromedp.Click(chromedp.CSS("#it-1")), chromedp.Click(chromedp.CSS("#it-4")))
	c.shot("sources-inventory")
	c.phone()
	c.shot("sources-inventory-phone")
	c.desktop()

	// Import selected: the job page follows the import to its summary.
	sp.g.Fail(http.StatusTooManyRequests, "1", 1) // Graph throttles once: the job is seen running
	c.do("import selected", chromedp.Click(chromedp.CSS(`#inv-form button[name="all"][value=""]`)), chromedp.WaitVisible(chromedp.CSS(".job-line")))
	c.expectText("h1", "Import from SharePoint")
	c.waitText(".job-log", "Imported 2 files: 2 new", 30*time.Second)
	c.expectText(".job-status", "completed")
	c.shot("sources-import-job")

	// A source, then Sync now with the progress live on the list.
	c.open("/sources")
	c.do("add a source", chromedp.SendKeys(chromedp.CSS("#sn-name"), "Team reports"), chromedp.SendKeys(chromedp.CSS("#sn-url"), sp.link),
		chromedp.Click(chromedp.CSS("#sn-proc")), chromedp.Click(chromedp.CSS(`form[action="/sources"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	c.expectText(".flash", "Saved Team reports.")
	c.expectText("table", "never synced")
	sp.g.Fail(http.StatusTooManyRequests, "2", 1)
	c.do("sync now", chromedp.Click(chromedp.CSS(`form[action$="/sync"] button`)))
	c.waitText(".flash", "Sync started.", 10*time.Second)
	c.shot("sources-syncing")
	c.waitText(".stream-state", "Finished", 30*time.Second)
	c.expectText("td .job-status", "completed")
	c.reload()
	c.expectText("ul.counts", "2 new")
	c.expectText("ul.counts", "2 unchanged")
	c.expectText("ul.counts", "2 queued for processing")
	c.shot("sources")
	if got := c.texts(`td[data-label="Latest sync"] .badge`); len(got) != 1 || !strings.Contains(got[0], "completed") {
		t.Errorf("latest sync badge: %q", got)
	}
	c.do("open the sync's log", chromedp.Click(chromedp.CSS(`td[data-label="Latest sync"] a`)), chromedp.WaitVisible(chromedp.CSS(".job-log")))
	c.expectText("h1", "Sync of Team reports")
	c.expectText(".job-log", "b.md: new")
	c.shot("sources-sync-job")
	c.dark(true)
	c.open("/sources")
	c.shot("sources-dark")
	c.dark(false)
	c.phone()
	c.open("/sources")
	c.shot("sources-phone")
	if got := c.texts(".scroll-hint"); len(got) != 0 {
		t.Errorf("the stacked sources table on a phone has a scroll hint: %q", got)
	}
	// Other wide tables scroll sideways on a phone, with a visible hint.
	for _, path := range []string{"/documents", "/audit"} {
		c.open(path)
		if got := c.texts(".scroll-hint"); len(got) == 0 || !strings.Contains(got[0], "scroll it sideways") {
			t.Errorf("%s on a phone: no scroll hint above its wide table", path)
		}
		c.shot(strings.TrimPrefix(path, "/") + "-phone-hint")
	}
	c.desktop()
	c.open("/documents")
	if got := c.texts(".scroll-hint"); len(got) != 0 {
		t.Errorf("/documents on a desktop has a scroll hint: %q", got)
	}
	c.noPageErrors()
}
