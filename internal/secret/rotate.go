package secret

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/db"
)

// Column describes one kind of value sealed with the keyring and stored in
// the database: the table, its sealed and key-id columns, and the context
// (aad) each value is bound to. Every table has id and org_id columns.
type Column struct {
	Kind       string // shown in the rotation report, e.g. "connection"
	Table      string
	Sealed     string // column holding the ciphertext
	KeyID      string // column holding the id of the key that sealed it
	AAD        func(orgID, id string) []byte
	Action     string // audit action of a re-sealed row
	EntityType string // audit entity type
}

// Rotated counts, for one kind, the values re-sealed under the current key
// and those skipped because a change made meanwhile had already re-sealed
// them (or deleted the row).
type Rotated struct {
	Kind    string
	Rotated int
	Skipped int
}

// rowAttempts bounds how often one row is re-read after losing a race.
const rowAttempts = 5

// afterRead, when set (tests), runs after a row is read and before its
// re-sealed value is written, to stand for a change made meanwhile.
var afterRead func(kind, id string)

// stale is a sealed value as read, under a key other than the current one.
type stale struct{ id, orgID, sealed, keyID string }

// Rotate re-seals, under the keyring's current key, every value of col
// sealed under another key. Each row is written in its own transaction,
// only if it still holds the ciphertext that was read, with an audit row.
// A row changed meanwhile is read again and re-sealed if it still needs
// it, otherwise skipped. A value no configured key opens stops the
// rotation with an error naming its row and key id.
func Rotate(ctx context.Context, d *db.DB, keys *Keyring, col Column) (Rotated, error) {
	res := Rotated{Kind: col.Kind}
	todo, err := readStale(ctx, d, keys, col)
	if err != nil {
		return res, err
	}
	for _, s := range todo {
		done, err := rotateRow(ctx, d, keys, col, s)
		if err != nil {
			return res, fmt.Errorf("%s %s: %w", col.Kind, s.id, err)
		}
		if done {
			res.Rotated++
		} else {
			res.Skipped++
		}
	}
	return res, nil
}

// readStale lists the rows of col sealed under a key other than the current.
func readStale(ctx context.Context, d *db.DB, keys *Keyring, col Column) ([]stale, error) {
	rows, err := d.Query(ctx, `SELECT id, org_id, `+col.Sealed+`, COALESCE(`+col.KeyID+`, '') FROM `+col.Table+`
		WHERE `+col.Sealed+` IS NOT NULL AND (`+col.KeyID+` IS NULL OR `+col.KeyID+` <> ?) ORDER BY id`, keys.CurrentID())
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, func(r db.Scanner) (stale, error) {
		var s stale
		err := r.Scan(&s.id, &s.orgID, &s.sealed, &s.keyID)
		return s, err
	})
}

// rotateRow re-seals one row, retrying when it changed since it was read.
// It reports whether this call re-sealed it.
func rotateRow(ctx context.Context, d *db.DB, keys *Keyring, col Column, s stale) (bool, error) {
	for attempt := 0; attempt < rowAttempts; attempt++ {
		plain, err := keys.Open(s.keyID, s.sealed, col.AAD(s.orgID, s.id))
		if err != nil {
			return false, err
		}
		newID, blob, err := keys.Seal(plain, col.AAD(s.orgID, s.id))
		if err != nil {
			return false, err
		}
		if afterRead != nil {
			afterRead(col.Kind, s.id)
		}
		done, err := swap(ctx, d, col, s, newID, blob)
		if err != nil || done {
			return done, err
		}
		var again bool
		if s, again, err = reread(ctx, d, keys, col, s); err != nil || !again {
			return false, err
		}
	}
	return false, fmt.Errorf("changed during %d attempts to re-seal it; run the rotation again", rowAttempts)
}

// swap writes the re-sealed value if the row still holds what was read,
// with the audit row in the same transaction. It reports whether it wrote.
func swap(ctx context.Context, d *db.DB, col Column, s stale, newID, blob string) (bool, error) {
	var done bool
	err := d.InTx(ctx, func(q db.Querier) error {
		res, err := q.Exec(ctx, `UPDATE `+col.Table+` SET `+col.Sealed+` = ?, `+col.KeyID+` = ?
			WHERE org_id = ? AND id = ? AND `+col.Sealed+` = ? AND COALESCE(`+col.KeyID+`, '') = ?`,
			blob, newID, s.orgID, s.id, s.sealed, s.keyID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err
		}
		done = true
		return audit.Record(ctx, q, audit.Entry{OrgID: s.orgID, Action: col.Action, EntityType: col.EntityType, EntityID: s.id,
			Details: map[string]any{"from_key_id": s.keyID, "to_key_id": newID}})
	})
	return done && err == nil, err
}

// reread reads a row that changed since it was read; again is false when
// it is gone or already sealed under the current key.
func reread(ctx context.Context, d *db.DB, keys *Keyring, col Column, s stale) (stale, bool, error) {
	var sealed sql.NullString
	err := d.QueryRow(ctx, `SELECT `+col.Sealed+`, COALESCE(`+col.KeyID+`, '') FROM `+col.Table+` WHERE org_id = ? AND id = ?`,
		s.orgID, s.id).Scan(&sealed, &s.keyID)
	if errors.Is(err, sql.ErrNoRows) {
		return s, false, nil
	}
	if err != nil {
		return s, false, err
	}
	s.sealed = sealed.String
	return s, sealed.Valid && s.keyID != keys.CurrentID(), nil
}
