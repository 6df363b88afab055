package document

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
)

// Filter selects and orders documents of one organization.
type Filter struct {
	Status         string
	RAGReady       *bool
	UploadedSince  *time.Time
	ProcessedSince *time.Time
	Query          string // substring of the filename, any case
	Sort           string // uploaded_at (default), filename, file_size, processed_at, conversion_score
	Desc           bool
	Skip, Limit    int
	// After is a cursor returned by a previous page (keyset pagination on
	// the default sort); it replaces Skip.
	After     string
	SkipTotal bool
}

// sortColumns are the sortable columns; id breaks ties.
var sortColumns = map[string]string{
	"uploaded_at": "uploaded_at", "filename": "filename", "file_size": "file_size",
	"processed_at": "processed_at", "conversion_score": "conversion_score", "status": "status",
}

// nullableSort are the sort columns that may be NULL: they need an
// `IS NULL` term to put NULLs last on both engines, which keeps an index
// from serving the order. The others are NOT NULL and are ordered plainly,
// so that their indexes (migrations 0006 and 0010) serve the page.
var nullableSort = map[string]bool{"processed_at": true, "conversion_score": true}

// SortNames lists the accepted sort keys.
func SortNames() []string {
	return []string{"uploaded_at", "filename", "file_size", "processed_at", "conversion_score", "status"}
}

// Page is one page of a list.
type Page struct {
	Documents []Document
	Total     int    // -1 when skipped
	Next      string // cursor of the next page, "" at the end (default sort only)
}

type cursor struct {
	T  time.Time `json:"t"`
	ID string    `json:"id"`
}

// List returns a page of orgID's documents.
func List(ctx context.Context, q db.Querier, orgID string, f Filter) (Page, error) {
	lq, err := f.query(orgID)
	if err != nil {
		return Page{}, err
	}
	out := Page{Total: -1}
	if !f.SkipTotal {
		if err := q.QueryRow(ctx, lq.count, lq.countArgs...).Scan(&out.Total); err != nil {
			return Page{}, err
		}
	}
	rows, err := q.Query(ctx, lq.page, lq.pageArgs...)
	if err != nil {
		return Page{}, err
	}
	docs, err := db.Collect(rows, scan)
	if err != nil {
		return Page{}, err
	}
	if len(docs) > f.Limit {
		docs = docs[:f.Limit]
		if lq.col == "uploaded_at" {
			last := docs[len(docs)-1]
			out.Next = encodeCursor(cursor{T: last.UploadedAt, ID: last.ID})
		}
	}
	out.Documents = docs
	return out, nil
}

// listQuery is the SQL of one page of the list and of its total.
type listQuery struct {
	col                 string
	count, page         string
	countArgs, pageArgs []any
}

// query builds the page and count queries of f. The default sort (and
// uploaded_at either way) pages by keyset on (uploaded_at, id) when f.After
// is set: `uploaded_at <= ?` bounds the index range, so a deep page costs
// what the first does; the other sorts page by offset.
func (f Filter) query(orgID string) (listQuery, error) {
	col, ok := sortColumns[f.Sort]
	if f.Sort == "" {
		col, ok, f.Desc = "uploaded_at", true, true
	}
	if !ok {
		return listQuery{}, apperr.Field("sort", "must be one of "+strings.Join(SortNames(), ", "))
	}
	where, args := f.where(orgID)
	lq := listQuery{col: col, count: `SELECT COUNT(*) FROM documents WHERE ` + where, countArgs: args}
	dir, op := " ASC", ">"
	if f.Desc {
		dir, op = " DESC", "<"
	}
	keyset := col == "uploaded_at" && f.After != ""
	if keyset {
		c, err := decodeCursor(f.After)
		if err != nil {
			return listQuery{}, err
		}
		where += ` AND uploaded_at ` + op + `= ? AND (uploaded_at ` + op + ` ? OR id ` + op + ` ?)`
		args = append(args[:len(args):len(args)], c.T, c.T, c.ID)
	}
	lq.page = `SELECT ` + columns + ` FROM documents WHERE ` + where + ` ORDER BY ` + orderBy(col, dir) + ` LIMIT ?`
	lq.pageArgs = append(args[:len(args):len(args)], f.Limit+1)
	if !keyset {
		lq.page += ` OFFSET ?`
		lq.pageArgs = append(lq.pageArgs, f.Skip)
	}
	return lq, nil
}

func (f Filter) where(orgID string) (string, []any) {
	where, args := "org_id = ?", []any{orgID}
	if f.Status != "" {
		where += " AND status = ?"
		args = append(args, f.Status)
	}
	if f.RAGReady != nil {
		where += " AND rag_ready = ?"
		args = append(args, *f.RAGReady)
	}
	if f.UploadedSince != nil {
		where += " AND uploaded_at >= ?"
		args = append(args, f.UploadedSince.UTC())
	}
	if f.ProcessedSince != nil {
		where += " AND processed_at >= ?"
		args = append(args, f.ProcessedSince.UTC())
	}
	if f.Query != "" {
		where += " AND LOWER(filename) LIKE ? ESCAPE '\\'"
		args = append(args, "%"+escapeLike(strings.ToLower(f.Query))+"%")
	}
	return where, args
}

// orderBy is the ORDER BY of a sort column, id breaking ties; NULLs of a
// nullable column come last on both engines.
func orderBy(col, dir string) string {
	if nullableSort[col] {
		return "(" + col + " IS NULL), " + col + dir + ", id" + dir
	}
	return col + dir + ", id" + dir
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID == "" {
		return cursor{}, apperr.Field("after", "is not a cursor returned by this list")
	}
	return c, nil
}
