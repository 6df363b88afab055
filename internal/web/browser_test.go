package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/testenv"
)

// browser is a cookie-keeping HTTP client that behaves like a form-posting
// browser without JavaScript: it remembers the CSRF token of the last page.
type browser struct {
	t    testing.TB
	env  *testenv.Env
	c    *http.Client
	csrf string
}

func newBrowser(t testing.TB, env *testenv.Env) *browser {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &browser{t: t, env: env, c: c}
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

// result is a response as the test reads it.
type result struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

func (b *browser) do(req *http.Request) result {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfMeta.FindStringSubmatch(string(body)); m != nil {
		b.csrf = m[1]
	}
	return result{Status: resp.StatusCode, Body: string(body), Location: resp.Header.Get("Location"), Header: resp.Header}
}

func (b *browser) get(path string) result {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.env.URL+path, nil)
	return b.do(req)
}

// post submits a form with the current CSRF token (unless the form has its
// own csrf_token).
func (b *browser) post(path string, form url.Values) result {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf_token"]; !ok {
		form.Set("csrf_token", b.csrf)
	}
	req, _ := http.NewRequest("POST", b.env.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signIn signs in through the form and fails the test unless it works.
func (b *browser) signIn(login, password string) {
	b.t.Helper()
	b.get("/login")
	p := b.post("/login", url.Values{"login": {login}, "password": {password}})
	if p.Status != http.StatusSeeOther {
		b.t.Fatalf("sign in as %s: status %d\n%s", login, p.Status, p.Body)
	}
}

// cookie returns the value of a cookie the browser holds.
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.env.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie replaces (or with "" removes) a cookie the browser holds.
func (b *browser) setCookie(name, value string) {
	u, _ := url.Parse(b.env.URL)
	maxAge := 0
	if value == "" {
		maxAge = -1
	}
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/", MaxAge: maxAge}})
}

func mustContain(t testing.TB, p result, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.Body, w) {
			t.Errorf("page (status %d) lacks %q", p.Status, w)
		}
	}
}
