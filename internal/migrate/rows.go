package migrate

import (
	"context"
	"fmt"
	"strings"

	"github.com/curatore/curatore/internal/db"
)

// maxParams keeps one INSERT under PostgreSQL's 65535 parameters.
const maxParams = 60000

// copyTable streams t's rows from src (in primary-key order, so rows that
// reference earlier rows of the same table come after them) into q in
// multi-row INSERTs.
func copyTable(ctx context.Context, src *db.DB, q db.Querier, t *Table, total int64, o Options) error {
	order := t.PK
	if len(order) == 0 {
		order = []string{t.Columns[0].Name}
	}
	quoted := make([]string, len(order))
	for i, c := range order {
		quoted[i] = quote(c)
	}
	rows, err := src.Query(ctx, `SELECT `+columnList(t.Columns)+` FROM `+quote(t.Name)+` ORDER BY `+strings.Join(quoted, ", "))
	if err != nil {
		return err
	}
	defer rows.Close()
	batch := min(o.BatchSize, maxParams/len(t.Columns))
	vals, ptrs := scanTargets(len(t.Columns))
	args := make([]any, 0, batch*len(t.Columns))
	var done int64
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		n := len(args) / len(t.Columns)
		if _, err := q.Exec(ctx, insertSQL(t, n), args...); err != nil {
			return err
		}
		done += int64(n)
		args = args[:0]
		if o.Progress != nil {
			o.Progress(t.Name, done, total)
		}
		return nil
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			c, err := convert(v, t.Columns[i].Kind)
			if err != nil {
				return fmt.Errorf("column %s: %w", t.Columns[i].Name, err)
			}
			args = append(args, c)
		}
		if len(args) >= batch*len(t.Columns) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}

func insertSQL(t *Table, n int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(t.Columns)), ", ") + ")"
	var b strings.Builder
	b.WriteString(`INSERT INTO ` + quote(t.Name) + ` (` + columnList(t.Columns) + `) `)
	if t.Identity {
		b.WriteString(`OVERRIDING SYSTEM VALUE `) // keep the copied ids
	}
	b.WriteString(`VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

// resetSequences moves PostgreSQL sequences past the copied values, so
// the next generated id does not collide.
func resetSequences(ctx context.Context, dst *db.DB, tables []*Table) error {
	if dst.Engine() != db.Postgres {
		return nil
	}
	for _, t := range tables {
		for _, c := range t.Columns {
			if !c.Serial {
				continue
			}
			_, err := dst.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', '%s'), COALESCE(MAX(%s), 0) + 1, false) FROM %s`,
				t.Name, c.Name, quote(c.Name), quote(t.Name)))
			if err != nil {
				return fmt.Errorf("reset the sequence of %s.%s: %w", t.Name, c.Name, err)
			}
		}
	}
	return nil
}

// verify compares every table's count and checksum on both sides.
func verify(ctx context.Context, src, dst *db.DB, tables []*Table, rep *Report) error {
	var bad []string
	for i, t := range tables {
		s, err := Checksum(ctx, src, t.Name, t.Columns)
		if err != nil {
			return err
		}
		d, err := Checksum(ctx, dst, t.Name, t.Columns)
		if err != nil {
			return err
		}
		tr := &rep.Tables[i]
		tr.Source, tr.Target, tr.TargetRows = s, d, d.Rows
		tr.Verified = s == d
		if !tr.Verified {
			bad = append(bad, t.Name)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("verification failed: %s differ between source and target", strings.Join(bad, ", "))
	}
	return nil
}
