package office

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// pkg is an opened OOXML package (a zip) with a budget of bytes that may
// still be inflated from it.
type pkg struct {
	ctx    context.Context // ends long parses; Background unless set by the converter
	zr     *zip.Reader
	files  map[string]*zip.File // by lower-case name without a leading slash
	budget int64                // bytes that may still be inflated, all members together
}

// openPackage opens data as a zip. A damaged archive is corrupt.
func openPackage(data []byte, maxUncompressed int64) (*pkg, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &format.Error{Code: format.CodeCorrupt, Detail: "not a readable zip package", Err: err}
	}
	p := &pkg{ctx: context.Background(), zr: zr, files: make(map[string]*zip.File, len(zr.File)), budget: maxUncompressed}
	for _, f := range zr.File {
		p.files[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	return p, nil
}

// has reports whether the package holds a member named name.
func (p *pkg) has(name string) bool {
	_, ok := p.files[strings.ToLower(strings.TrimPrefix(name, "/"))]
	return ok
}

// read inflates one member. A missing member gives (nil, nil) so callers
// can treat optional parts simply; the inflated size is charged to the
// package budget and going over it is too_large.
func (p *pkg) read(name string) ([]byte, error) {
	f, ok := p.files[strings.ToLower(strings.TrimPrefix(name, "/"))]
	if !ok {
		return nil, nil
	}
	if f.UncompressedSize64 > uint64(p.budget) { // an honest bomb is refused before inflating
		return nil, format.Errorf(format.CodeTooLarge, "%s declares %d bytes, over the limit", name, f.UncompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, &format.Error{Code: format.CodeCorrupt, Detail: "cannot open " + name, Err: err}
	}
	defer rc.Close()
	// The declared size is only a hint (it can lie); the LimitReader is the
	// guard, and the pre-allocation is capped so a false hint costs little.
	var buf bytes.Buffer
	if hint := f.UncompressedSize64; hint > 0 && hint < uint64(p.budget) {
		buf.Grow(int(min(hint, 16<<20)))
	}
	n, err := io.Copy(&buf, io.LimitReader(rc, p.budget+1))
	if n > p.budget {
		return nil, format.Errorf(format.CodeTooLarge, "inflated content exceeds the limit (%s)", name)
	}
	p.budget -= n
	if err != nil {
		if errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, &format.Error{Code: format.CodeCorrupt, Detail: "damaged member " + name, Err: err}
		}
		return nil, &format.Error{Code: format.CodeCorrupt, Detail: "cannot read " + name, Err: err}
	}
	return buf.Bytes(), nil
}

// rel is one relationship of a part.
type rel struct {
	ID       string
	Type     string // the last path segment of the type URI, e.g. "officeDocument", "image"
	Target   string // resolved package path for internal targets, raw URL for external ones
	External bool
}

// rels reads the relationships of the part named partName, keyed by ID.
func (p *pkg) rels(partName string) (map[string]rel, error) {
	dir, file := path.Split(strings.TrimPrefix(partName, "/"))
	data, err := p.read(dir + "_rels/" + file + ".rels")
	if err != nil || data == nil {
		return map[string]rel{}, err
	}
	root, err := parseXML(p.ctx, data)
	if err != nil {
		return nil, err
	}
	out := map[string]rel{}
	for _, r := range root.all("Relationship") {
		t := r.attr("Type")
		x := rel{ID: r.attr("Id"), Type: t[strings.LastIndex(t, "/")+1:], Target: r.attr("Target")}
		if strings.EqualFold(r.attr("TargetMode"), "External") {
			x.External = true
		} else {
			x.Target = resolveTarget(dir, x.Target)
		}
		out[x.ID] = x
	}
	return out, nil
}

// relsOfType returns the relationships of a given type in ID order.
func relsOfType(rs map[string]rel, typ string) []rel {
	var out []rel
	for _, r := range rs {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	sortRels(out)
	return out
}

// resolveTarget resolves a relative target against the directory of its source part.
func resolveTarget(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean("/"+dir+target), "/")
}

// mainPart finds the package's main document part through the root
// relationships, falling back to the conventional name.
func (p *pkg) mainPart(fallback string) (string, error) {
	rs, err := p.rels("")
	if err != nil {
		return "", err
	}
	for _, r := range relsOfType(rs, "officeDocument") {
		if p.has(r.Target) {
			return r.Target, nil
		}
	}
	if p.has(fallback) {
		return fallback, nil
	}
	return "", format.Errorf(format.CodeCorrupt, "package has no main document part")
}
