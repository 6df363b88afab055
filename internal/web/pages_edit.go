package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/curatore/curatore/internal/job"
)

// EditData is the edit page: the current Markdown in a text area.
type EditData struct {
	DocID    string
	Filename string
	Markdown string
}

func (u *UI) editPage(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	doc, _, md, err := u.deps.Documents.Markdown(r.Context(), v.Scope, id, 0)
	if err != nil {
		return err
	}
	if v.Form.Get("content") == "" {
		v.Form.Set("content", md)
	}
	v.Title, v.Section, v.Data = "Edit "+doc.Filename, "documents", &EditData{DocID: id, Filename: doc.Filename, Markdown: md}
	u.render(w, r, "edit", v)
	return nil
}

// saveEdit stores the text as a new edited version and re-scores it.
func (u *UI) saveEdit(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	// A person's edit is scored as written; the LLM rewrites it only when asked.
	optimize := r.PostFormValue("optimize") == "on"
	o := job.Options{ImprovementPrompt: strings.TrimSpace(r.PostFormValue("note")), AutoOptimize: &optimize}
	if _, err := u.deps.Jobs.Edit(r.Context(), v.Scope, id, r.PostFormValue("content"), o); err != nil {
		v.Form = formValues(r, "content", "note")
		if v.SetError(err) == http.StatusInternalServerError {
			return err
		}
		return u.editPage(w, r, v)
	}
	return u.redirect(w, r, "/documents/"+id, "Your edit is saved as a new version and is being scored.")
}

// DiffData is a side-by-side comparison of two versions.
type DiffData struct {
	DocID    string
	Filename string
	A, B     int
	Versions []int
	Rows     []DiffRow
	TooLarge bool
}

func (u *UI) diffPage(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	vs, err := u.deps.Documents.Versions(r.Context(), v.Scope, id)
	if err != nil {
		return err
	}
	d := &DiffData{DocID: id}
	for _, ver := range vs {
		d.Versions = append(d.Versions, ver.Number)
	}
	d.A, _ = strconv.Atoi(r.URL.Query().Get("a"))
	d.B, _ = strconv.Atoi(r.URL.Query().Get("b"))
	if len(vs) > 0 && d.B == 0 {
		d.B = vs[len(vs)-1].Number
	}
	if len(vs) > 1 && d.A == 0 {
		d.A = vs[len(vs)-2].Number
	}
	if d.A > 0 && d.B > 0 {
		doc, _, left, err := u.deps.Documents.Markdown(r.Context(), v.Scope, id, d.A)
		if err != nil {
			return err
		}
		_, _, right, err := u.deps.Documents.Markdown(r.Context(), v.Scope, id, d.B)
		if err != nil {
			return err
		}
		d.Filename = doc.Filename
		d.Rows, d.TooLarge = sideBySide(strings.Split(left, "\n"), strings.Split(right, "\n"))
	}
	v.Title, v.Section, v.Data = "Compare versions", "documents", d
	u.render(w, r, "diff", v)
	return nil
}
