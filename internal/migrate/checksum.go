package migrate

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
	"strings"

	"github.com/curatore/curatore/internal/db"
)

// Sum is a table's row count and checksum. The checksum is the sum (mod
// 2^256) of every row's SHA-256 over canonical values, so it does not
// depend on the order either engine returns rows in, and needs no memory
// per row.
type Sum struct {
	Rows int64
	Hash string
}

type multiset [4]uint64

func (m *multiset) add(h [sha256.Size]byte) {
	var carry uint64
	for i := 3; i >= 0; i-- {
		w := binary.BigEndian.Uint64(h[i*8 : i*8+8])
		m[i], carry = bits.Add64(m[i], w, carry)
	}
}

func (m multiset) hex() string {
	var b [32]byte
	for i, w := range m {
		binary.BigEndian.PutUint64(b[i*8:], w)
	}
	return hex.EncodeToString(b[:])
}

// Checksum reads every row of t in d and returns its Sum. cols gives the
// kinds the values are compared as (the same slice for both sides).
func Checksum(ctx context.Context, d db.Querier, t string, cols []Column) (Sum, error) {
	rows, err := d.Query(ctx, `SELECT `+columnList(cols)+` FROM `+quote(t))
	if err != nil {
		return Sum{}, fmt.Errorf("checksum %s: %w", t, err)
	}
	defer rows.Close()
	var m multiset
	var n int64
	vals, ptrs := scanTargets(len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return Sum{}, fmt.Errorf("checksum %s: %w", t, err)
		}
		h, err := rowHash(vals, cols)
		if err != nil {
			return Sum{}, fmt.Errorf("checksum %s: %w", t, err)
		}
		m.add(h)
		n++
	}
	if err := rows.Err(); err != nil {
		return Sum{}, fmt.Errorf("checksum %s: %w", t, err)
	}
	return Sum{Rows: n, Hash: m.hex()}, nil
}

func scanTargets(n int) ([]any, []any) {
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	return vals, ptrs
}

// quote quotes an identifier for both engines.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func columnList(cols []Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quote(c.Name)
	}
	return strings.Join(names, ", ")
}

// Count returns the number of rows of table t.
func Count(ctx context.Context, d db.Querier, t string) (int64, error) {
	var n int64
	err := d.QueryRow(ctx, `SELECT COUNT(*) FROM `+quote(t)).Scan(&n)
	return n, err
}
