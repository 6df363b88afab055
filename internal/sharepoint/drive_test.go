package sharepoint_test

import (
	"context"
	"errors"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/sharepoint"
	"github.com/curatore/curatore/internal/sharepoint/graphtest"
)

// tree builds Reports/{a.txt, b.txt, c.txt, Sub/{d.txt, Deeper/e.txt}} behind a share link.
func tree(t *testing.T) (*graphtest.Server, *sharepoint.Client, *sharepoint.DriveItem, map[string]string) {
	g := graphtest.New(t, "app", "s")
	link := "https://contoso.sharepoint.com/:f:/s/Team/EabcDEF?e=xyz"
	folder := g.AddShare(link, "Reports")
	ids := map[string]string{"Reports": folder}
	for _, n := range []string{"a.txt", "b.txt", "c.txt"} {
		ids[n] = g.AddFile(folder, n, []byte("content of "+n))
	}
	ids["Sub"] = g.AddFolder(folder, "Sub")
	ids["d.txt"] = g.AddFile(ids["Sub"], "d.txt", []byte("d"))
	ids["Deeper"] = g.AddFolder(ids["Sub"], "Deeper")
	ids["e.txt"] = g.AddFile(ids["Deeper"], "e.txt", []byte("e"))
	c := client(t, g, "s")
	root, err := c.ResolveShare(context.Background(), link)
	if err != nil {
		t.Fatal(err)
	}
	return g, c, root, ids
}

func TestWalkPagesAndRecurses(t *testing.T) {
	g, c, root, _ := tree(t)
	var got []string
	err := c.Walk(context.Background(), *root, true, 2, func(it sharepoint.DriveItem, folder string) error {
		got = append(got, folder+"|"+it.Name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "/|Sub /|a.txt /|b.txt /|c.txt /Sub|Deeper /Sub|d.txt /Sub/Deeper|e.txt"
	if strings.Join(got, " ") != want {
		t.Fatalf("walk = %v", got)
	}
	// 4 children at $top=2 is two pages: the second came from @odata.nextLink.
	if n := g.CallCount("skiptoken=2"); n != 1 {
		t.Fatalf("next-link calls = %d; calls %v", n, g.Calls())
	}
	got = nil
	err = c.Walk(context.Background(), *root, false, 200, func(it sharepoint.DriveItem, folder string) error {
		if got = append(got, it.Name); len(got) == 2 {
			return sharepoint.ErrStop
		}
		return nil
	})
	if err != nil || len(got) != 2 {
		t.Fatalf("stopped walk = %v, %v", got, err)
	}
}

func TestDeltaReturnsOnlyChanges(t *testing.T) {
	g, c, _, ids := tree(t)
	ctx := context.Background()
	collect := func(link string) (map[string]string, string) {
		seen := map[string]string{}
		next, err := c.Delta(ctx, graphtest.DriveID, link, func(it sharepoint.DriveItem) error {
			switch {
			case it.IsDeleted():
				seen[it.ID] = "deleted"
			default:
				seen[it.ID] = it.Name + "@" + it.ETag
			}
			return nil
		})
		if err != nil || next == "" {
			t.Fatalf("delta: %q %v", next, err)
		}
		return seen, next
	}
	first, link := collect("")
	if len(first) != 9 { // the root, Reports, a b c, Sub, d, Deeper, e
		t.Fatalf("first delta = %v", first)
	}
	if n := g.CallCount("skiptoken="); n < 2 {
		t.Fatalf("delta pages followed = %d", n)
	}
	again, link2 := collect(link)
	if len(again) != 0 {
		t.Fatalf("no change, delta = %v", again)
	}
	g.UpdateFile(ids["b.txt"], []byte("new b"))
	g.Delete(ids["c.txt"])
	g.AddFile(ids["Reports"], "f.txt", []byte("f"))
	changes, _ := collect(link2)
	var keys []string
	for id, v := range changes {
		keys = append(keys, id+"="+strings.SplitN(v, "@", 2)[0])
	}
	sort.Strings(keys)
	if len(changes) != 3 || changes[ids["c.txt"]] != "deleted" || !strings.HasSuffix(changes[ids["b.txt"]], ",2\"") {
		t.Fatalf("changes = %v", keys)
	}
	g.ExpireDeltaLinks()
	if _, err := c.Delta(ctx, graphtest.DriveID, link2, func(sharepoint.DriveItem) error { return nil }); !errors.Is(err, sharepoint.ErrResyncRequired) {
		t.Fatalf("expired link: %v", err)
	}
}

func TestDownloadFollowsRedirectAndThrottling(t *testing.T) {
	g, c, _, ids := tree(t)
	g.Fail(429, "0", 1)
	rc, err := c.Download(context.Background(), graphtest.DriveID, ids["a.txt"])
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	if string(b) != "content of a.txt" || g.Downloads(ids["a.txt"]) != 1 {
		t.Fatalf("downloaded %q", b)
	}
	if n := g.CallCount("/content"); n != 2 {
		t.Fatalf("content calls = %d (a 429 then the retry)", n)
	}
}

func TestTokenCacheSharedAcrossClients(t *testing.T) {
	g := graphtest.New(t, "app", "s")
	var cache sharepoint.TokenCache
	build := func(secret string) *sharepoint.Client {
		c, err := sharepoint.New(sharepoint.Config{TenantID: "t", ClientID: "app", ClientSecret: secret,
			TokenURL: g.TokenURL(), GraphBaseURL: g.GraphURL(), Tokens: &cache})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for range 3 {
		if _, err := build("s").RootSite(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(g.Secrets()); n != 1 {
		t.Fatalf("token requests = %d, want 1 for three clients", n)
	}
	// Another secret is another registration: its own token.
	_, _ = build("other").RootSite(context.Background())
	if n := len(g.Secrets()); n != 2 {
		t.Fatalf("token requests = %d", n)
	}
}
