// Package migrate moves a whole Curatore deployment: Copy copies every
// table of one database into another (SQLite to PostgreSQL, the path from
// the embedded default to a server) in foreign-key order and in batches,
// then verifies row counts and a checksum per table; Backup and Restore
// write and read one archive holding the database and the stored files.
//
// Tables are discovered from the database's own schema, not listed in code,
// so tables added by later migrations are included without changes here.
package migrate

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/curatore/curatore/internal/db"
)

// Kind is how a column's values are converted and compared.
type Kind string

// The column kinds.
const (
	KindText  Kind = "text"
	KindInt   Kind = "int"
	KindFloat Kind = "float"
	KindBool  Kind = "bool"
	KindTime  Kind = "time"
	KindJSON  Kind = "json"
	KindBytes Kind = "bytes"
)

// Column is one column of a table.
type Column struct {
	Name   string
	Kind   Kind
	Serial bool // PostgreSQL: filled from a sequence (nextval default)
}

// Table is one table: its columns in order, primary key and the tables its
// foreign keys reference.
type Table struct {
	Name    string
	Columns []Column
	PK      []string
	Refs    []string
	// Identity: PostgreSQL generates a column ALWAYS (GENERATED ALWAYS AS
	// IDENTITY), so copied values need OVERRIDING SYSTEM VALUE.
	Identity bool
}

// skipped says whether a table is not ours to copy: the migration ledger
// (the target is migrated by its own files) and River's queue tables
// (created by River's migrator; the queue must be drained before copying).
func skipped(name string) bool {
	return name == "schema_migrations" || strings.HasPrefix(name, "river_")
}

// derived says whether table n is a virtual table or one of its shadow
// tables (named after it: docs_fts_data, docs_fts_idx, …).
func derived(n string, virtual []string) bool {
	for _, v := range virtual {
		if n == v || strings.HasPrefix(n, v+"_") {
			return true
		}
	}
	return false
}

// kindOf maps a declared column type of either engine to a Kind.
func kindOf(declared string) Kind {
	t := strings.ToLower(declared)
	switch {
	case strings.Contains(t, "bool"):
		return KindBool
	case strings.Contains(t, "timestamp"), strings.Contains(t, "datetime"), t == "date":
		return KindTime
	case strings.Contains(t, "json"):
		return KindJSON
	case strings.Contains(t, "bytea"), strings.Contains(t, "blob"):
		return KindBytes
	case strings.Contains(t, "int"):
		return KindInt
	case strings.Contains(t, "real"), strings.Contains(t, "double"), strings.Contains(t, "float"), strings.Contains(t, "numeric"):
		return KindFloat
	}
	return KindText
}

// Describe reads the tables of d (ours only: see skipped), keyed by name.
func Describe(ctx context.Context, d db.Querier) (map[string]*Table, error) {
	if d.Engine() == db.Postgres {
		return describePostgres(ctx, d)
	}
	return describeSQLite(ctx, d)
}

func describeSQLite(ctx context.Context, d db.Querier) (map[string]*Table, error) {
	names, err := names1(ctx, d, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	// Virtual tables (full-text indexes) and their shadow tables are derived
	// data of SQLite's own kind; the target engine indexes in its own way.
	virtual, err := names1(ctx, d, `SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'`)
	if err != nil {
		return nil, err
	}
	out := map[string]*Table{}
	for _, n := range names {
		if skipped(n) || derived(n, virtual) {
			continue
		}
		t := &Table{Name: n}
		rows, err := d.Query(ctx, `SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid`, n)
		if err != nil {
			return nil, err
		}
		pks := map[int]string{}
		for rows.Next() {
			var c Column
			var typ string
			var pk int
			if err := rows.Scan(&c.Name, &typ, &pk); err != nil {
				rows.Close()
				return nil, err
			}
			c.Kind = kindOf(typ)
			t.Columns = append(t.Columns, c)
			if pk > 0 {
				pks[pk] = c.Name
			}
		}
		rows.Close()
		for i := 1; i <= len(pks); i++ {
			t.PK = append(t.PK, pks[i])
		}
		if t.Refs, err = names1(ctx, d, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, n); err != nil {
			return nil, err
		}
		out[n] = t
	}
	return out, nil
}

func describePostgres(ctx context.Context, d db.Querier) (map[string]*Table, error) {
	out := map[string]*Table{}
	// Generated columns are computed by the server (a tsvector, say): never
	// written, and not part of a table's data.
	rows, err := d.Query(ctx, `SELECT c.table_name, c.column_name, c.data_type, COALESCE(c.column_default, ''),
		  c.is_identity, COALESCE(c.identity_generation, '')
		FROM information_schema.columns c JOIN information_schema.tables t
		  ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
		WHERE c.table_schema = current_schema() AND c.is_generated = 'NEVER'
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var table, def, typ, identity, generation string
		var c Column
		if err := rows.Scan(&table, &c.Name, &typ, &def, &identity, &generation); err != nil {
			rows.Close()
			return nil, err
		}
		if skipped(table) {
			continue
		}
		c.Kind, c.Serial = kindOf(typ), strings.HasPrefix(def, "nextval(") || identity == "YES"
		if out[table] == nil {
			out[table] = &Table{Name: table}
		}
		out[table].Columns = append(out[table].Columns, c)
		out[table].Identity = out[table].Identity || generation == "ALWAYS"
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	pks, err := pairs(ctx, d, `SELECT cl.relname, a.attname FROM pg_constraint k
		JOIN pg_class cl ON cl.oid = k.conrelid
		JOIN LATERAL unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord) ON true
		JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
		WHERE k.contype = 'p' AND k.connamespace = current_schema()::regnamespace ORDER BY cl.relname, u.ord`)
	if err != nil {
		return nil, err
	}
	for _, p := range pks {
		if t := out[p[0]]; t != nil {
			t.PK = append(t.PK, p[1])
		}
	}
	refs, err := pairs(ctx, d, `SELECT DISTINCT c.relname, f.relname FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid
		WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`)
	if err != nil {
		return nil, err
	}
	for _, p := range refs {
		if t := out[p[0]]; t != nil {
			t.Refs = append(t.Refs, p[1])
		}
	}
	return out, nil
}

// Order returns the tables so that every table comes after the tables it
// references (self-references aside). A reference cycle is an error.
func Order(tables map[string]*Table) ([]*Table, error) {
	names := slices.Sorted(maps.Keys(tables))
	var out []*Table
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var visit func(n string, path []string) error
	visit = func(n string, path []string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("foreign keys form a cycle: %s", strings.Join(append(path, n), " → "))
		case 2:
			return nil
		}
		state[n] = 1
		refs := append([]string(nil), tables[n].Refs...)
		sort.Strings(refs)
		for _, r := range refs {
			if r == n || tables[r] == nil {
				continue
			}
			if err := visit(r, append(path, n)); err != nil {
				return err
			}
		}
		state[n] = 2
		out = append(out, tables[n])
		return nil
	}
	for _, n := range names {
		if err := visit(n, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func names1(ctx context.Context, d db.Querier, query string, args ...any) ([]string, error) {
	rows, err := d.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, func(s db.Scanner) (string, error) {
		var v string
		return v, s.Scan(&v)
	})
}

func pairs(ctx context.Context, d db.Querier, query string) ([][2]string, error) {
	rows, err := d.Query(ctx, query)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, func(s db.Scanner) ([2]string, error) {
		var p [2]string
		return p, s.Scan(&p[0], &p[1])
	})
}
