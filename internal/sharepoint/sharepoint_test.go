package sharepoint_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/sharepoint"
	"github.com/curatore/curatore/internal/sharepoint/graphtest"
)

func client(t *testing.T, g *graphtest.Server, secret string) *sharepoint.Client {
	t.Helper()
	c, err := sharepoint.New(sharepoint.Config{TenantID: "tenant-1", ClientID: "app", ClientSecret: secret,
		TokenURL: g.TokenURL(), GraphBaseURL: g.GraphURL()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestResolveSiteAndShare(t *testing.T) {
	g := graphtest.New(t, "app", "s3cret-value")
	link := "https://contoso.sharepoint.com/:f:/s/Team/EabcDEF?e=xyz"
	g.AddShare(link, "Reports")
	c := client(t, g, "s3cret-value")
	site, err := c.Site(context.Background(), "https://contoso.sharepoint.com/sites/Team")
	if err != nil || site.Name != "contoso.sharepoint.com:/sites/Team" {
		t.Fatalf("Site = %+v, %v", site, err)
	}
	item, err := c.ResolveShare(context.Background(), link)
	if err != nil || item.Name != "Reports" || !item.IsFolder() || item.ParentReference.DriveID != "drive-id" {
		t.Fatalf("ResolveShare = %+v, %v", item, err)
	}
	// One token serves both calls.
	if s := g.Secrets(); len(s) != 1 || s[0] != "s3cret-value" {
		t.Fatalf("token requests = %q", s)
	}
	if tk := g.Tokens(); len(tk) != 2 || tk[0] != "token-tenant-1-1" || tk[1] != tk[0] {
		t.Fatalf("tokens = %q", tk)
	}
}

func TestBadSecret(t *testing.T) {
	g := graphtest.New(t, "app", "right")
	_, err := client(t, g, "wrong-secret-xyz").RootSite(context.Background())
	var e *sharepoint.Error
	if !errors.As(err, &e) || e.Op != "token" || e.Status != 401 || e.Code != "invalid_client" ||
		!strings.Contains(err.Error(), "AADSTS7000215") || strings.Contains(err.Error(), "wrong-secret-xyz") {
		t.Fatalf("err = %v", err)
	}
}

func TestForbiddenNamesThePermission(t *testing.T) {
	g := graphtest.New(t, "app", "s")
	g.Fail(403, "", 0)
	_, err := client(t, g, "s").Site(context.Background(), "https://contoso.sharepoint.com/sites/x")
	if err == nil || !strings.Contains(err.Error(), "Sites.Read.All") || !strings.Contains(err.Error(), "HTTP 403") {
		t.Fatalf("site: %v", err)
	}
	_, err = client(t, g, "s").ResolveShare(context.Background(), "https://contoso.sharepoint.com/:f:/x")
	if err == nil || !strings.Contains(err.Error(), "Files.Read.All") {
		t.Fatalf("share: %v", err)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	g := graphtest.New(t, "app", "s")
	g.Fail(429, "0", 2)
	if _, err := client(t, g, "s").RootSite(context.Background()); err != nil {
		t.Fatalf("after two 429s: %v", err)
	}
	if n := len(g.Tokens()); n != 3 {
		t.Fatalf("graph calls = %d, want 3", n)
	}
	g.Fail(503, "120", 0)
	_, err := client(t, g, "s").RootSite(context.Background())
	var e *sharepoint.Error
	if !errors.As(err, &e) || e.Status != 503 || e.RetryAfter.Seconds() != 120 {
		t.Fatalf("long Retry-After: %v", err)
	}
}

func TestNextLinkOutsideGraphIsRefused(t *testing.T) {
	g := graphtest.New(t, "app", "s")
	var v any
	if err := client(t, g, "s").Get(context.Background(), "https://evil.example/v1.0/sites/root", &v); err == nil {
		t.Fatal("token sent to another host")
	}
}

func TestEncodeShareURL(t *testing.T) {
	// Microsoft's documented example.
	got := sharepoint.EncodeShareURL("https://onedrive.live.com/redir?resid=1231244193912!12&authKey=1201919!12921!1")
	want := "u!aHR0cHM6Ly9vbmVkcml2ZS5saXZlLmNvbS9yZWRpcj9yZXNpZD0xMjMxMjQ0MTkzOTEyITEyJmF1dGhLZXk9MTIwMTkxOSExMjkyMSEx"
	if got != want {
		t.Fatalf("got %s", got)
	}
}
