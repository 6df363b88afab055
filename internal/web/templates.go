package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:embed templates
var templateFS embed.FS

// pageSet holds one template per page, each the layout plus the page's
// "content" block (html/template escapes every value by context).
type pageSet struct {
	pages map[string]*template.Template
}

// mustParsePages parses the layout, the partials and every page.
func mustParsePages(assets *assetSet) *pageSet {
	ps, err := parsePages(assets)
	if err != nil {
		panic(err)
	}
	return ps
}

func parsePages(assets *assetSet) (*pageSet, error) {
	base, err := template.New("layout").Funcs(funcs(assets)).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	ps := &pageSet{pages: map[string]*template.Template{}}
	for _, f := range files {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, f)
		if err != nil {
			return nil, err
		}
		ps.pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return ps, nil
}

// names returns every page name.
func (ps *pageSet) names() []string {
	out := make([]string, 0, len(ps.pages))
	for n := range ps.pages {
		out = append(out, n)
	}
	return out
}

// execute renders page name with v.
func (ps *pageSet) execute(w io.Writer, name string, v *View) error {
	t, ok := ps.pages[name]
	if !ok {
		return fmt.Errorf("no page %q", name)
	}
	return t.ExecuteTemplate(w, "layout", v)
}

// funcs are the helpers templates may call.
func funcs(assets *assetSet) template.FuncMap {
	return template.FuncMap{
		"asset":    assets.url,
		"datetime": formatTime,
		"ago":      ago,
		"roleName": roleName,
		"deref":    deref,
		"percent":  func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
		"add":      func(a, b int) int { return a + b },
		"json":     prettyJSON,
		"bytes":    humanBytes,
		"list":     func(n ...int) []int { return n },
		"sub100":   func(f float64) float64 { return 100 - f },
		"float":    func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) },
		"deref1": func(f *float64) float64 {
			if f == nil {
				return 0
			}
			return *f
		},
	}
}

// formatTime shows a time in UTC, to the minute; nil and zero show a dash.
func formatTime(v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x != nil {
			t = *x
		}
	}
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// ago says how long ago a time was, roughly.
func ago(v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return "never"
		}
		t = *x
	}
	if t.IsZero() {
		return "never"
	}
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// roleName is a role in words.
func roleName(role any) string {
	switch fmt.Sprint(role) {
	case "org_admin":
		return "Admin"
	case "member":
		return "Member"
	case "viewer":
		return "Viewer"
	}
	return fmt.Sprint(role)
}

// humanBytes shows a size in B, KB, MB or GB.
func humanBytes(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	case n < 1024*1024*1024:
		return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
	}
	return fmt.Sprintf("%.1f GB", float64(n)/(1024*1024*1024))
}

// prettyJSON shows a value as indented JSON.
func prettyJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// deref shows an optional string ("" for nil).
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
