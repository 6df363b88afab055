package httpapi

import (
	"html/template"
	"net/http"
	"sort"
)

func (s *Server) docsRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/openapi.json", Tag: "docs", Access: Public,
			Summary: "The OpenAPI 3.1 document of this API", Handle: s.serveOpenAPI},
		{Method: "GET", Path: "/docs", Tag: "docs", Access: Public,
			Summary: "Human-readable API reference", Handle: s.serveDocs},
	}
}

func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.openAPI())
	return nil
}

// docsPage renders every route of the table, grouped by tag. It is
// server-rendered and self-contained: no CDN, no JavaScript, so it works on
// an air-gapped server.
var docsPage = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Curatore API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{margin-bottom:.2rem} h2{margin-top:2rem;border-bottom:1px solid #ddd;text-transform:capitalize}
table{border-collapse:collapse;width:100%} td{padding:.35rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
.m{font:600 12px monospace;padding:2px 6px;border-radius:4px;color:#fff}
.GET{background:#2f7dd1}.POST{background:#2a9d55}.PUT{background:#c98a12}.PATCH{background:#8a5cc9}.DELETE{background:#c9412f}
code{font-size:13px} .a{color:#666;font-size:13px;white-space:nowrap}
</style></head><body>
<h1>Curatore API</h1>
<p>Version {{.Version}}. Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
Errors are <code>application/problem+json</code> (RFC 9457) with <code>code</code>, <code>detail</code>,
per-field <code>errors</code> and <code>request_id</code>. Authenticate with <code>Authorization: Bearer &lt;token or cur_… key&gt;</code>
or <code>X-API-Key: cur_…</code>.</p>
{{range .Groups}}<h2>{{.Tag}}</h2><table>
{{range .Routes}}<tr><td><span class="m {{.Method}}">{{.Method}}</span></td><td><code>{{.Path}}</code></td><td>{{.Summary}}</td><td class="a">{{.Access}}</td></tr>
{{end}}</table>{{end}}
</body></html>`))

type docsGroup struct {
	Tag    string
	Routes []Route
}

func (s *Server) serveDocs(w http.ResponseWriter, r *http.Request) error {
	byTag := map[string][]Route{}
	for _, rt := range s.routes {
		byTag[rt.Tag] = append(byTag[rt.Tag], rt)
	}
	var groups []docsGroup
	for tag, routes := range byTag {
		groups = append(groups, docsGroup{Tag: tag, Routes: routes})
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Tag < groups[j].Tag })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return docsPage.Execute(w, map[string]any{"Version": s.deps.Version, "Groups": groups})
}
