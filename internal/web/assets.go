package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded static file with its gzip form and content hash.
type asset struct {
	body, gz []byte
	hash     string
	ctype    string
}

// assetSet serves the embedded static files. URLs carry the content hash
// (/static/app.css?v=…), so they are cached for a year and change when the
// file does.
type assetSet struct {
	files map[string]*asset
}

func mustLoadAssets() *assetSet {
	set := &assetSet{files: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a := &asset{body: b, hash: hex.EncodeToString(sum[:6]), ctype: mime.TypeByExtension(path.Ext(p))}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = zw.Write(b)
		_ = zw.Close()
		if gz.Len() < len(b) {
			a.gz = gz.Bytes()
		}
		set.files[path.Base(p)] = a
		return nil
	})
	if err != nil {
		panic(err)
	}
	return set
}

// url returns the cache-busting URL of a static file.
func (s *assetSet) url(name string) string {
	a, ok := s.files[name]
	if !ok {
		return "/static/" + name
	}
	return "/static/" + name + "?v=" + a.hash
}

// serveAsset serves a static file, gzipped when the browser accepts it.
func (u *UI) serveAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := u.assets.files[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", `"`+a.hash+`"`)
	h.Set("Vary", "Accept-Encoding")
	if r.URL.Query().Get("v") == a.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if r.Header.Get("If-None-Match") == `"`+a.hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if a.gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	_, _ = w.Write(body)
}
