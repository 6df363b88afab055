package orgexport

import (
	"context"
	"crypto/cipher"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/setting"
)

// ExportOptions say what goes into an export.
type ExportOptions struct {
	// Passphrase seals the connections' secrets; nil omits them (only their
	// names are listed).
	Passphrase []byte
	Version    string // Curatore's version, for the document
	// Connections reads the organization's connections; nil exports none.
	Connections ConnectionStore
	// Webhooks reads the organization's webhook endpoints; nil exports none.
	Webhooks WebhookStore
}

// Export reads the organization with slug into a Document.
func Export(ctx context.Context, d *db.DB, slug string, o ExportOptions) (*Document, error) {
	doc := &Document{Format: FormatName, Version: Version, ExportedAt: time.Now().UTC(), CuratoreVersion: o.Version,
		Users: []User{}, Memberships: []Membership{}, Connections: []Connection{}, Webhooks: []Webhook{}}
	var orgID string
	err := d.ReadSnapshot(ctx, func(q db.Querier, _ string) error {
		og, err := org.BySlug(ctx, q, slug)
		if err != nil {
			return err
		}
		doc.Organization = Organization{Name: og.Name, DisplayName: og.DisplayName, Slug: og.Slug, IsActive: og.IsActive}
		if doc.Settings, err = setting.OrgValues(ctx, q, og.ID); err != nil {
			return err
		}
		orgID = og.ID
		return readMembers(ctx, q, og.ID, doc)
	})
	if err != nil {
		return nil, err
	}
	if o.Connections != nil {
		if err := exportConnections(ctx, orgID, o, doc); err != nil {
			return nil, err
		}
	}
	if o.Webhooks != nil {
		if err := exportWebhooks(ctx, orgID, o, doc); err != nil {
			return nil, err
		}
	}
	return doc, nil
}

func readMembers(ctx context.Context, q db.Querier, orgID string, doc *Document) error {
	rows, err := q.Query(ctx, `SELECT u.email, u.username, COALESCE(u.full_name, ''), u.is_active, u.is_verified,
		u.is_system_admin, m.role, m.is_active FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = ? ORDER BY u.email`, orgID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var u User
		var m Membership
		if err := rows.Scan(&u.Email, &u.Username, &u.FullName, &u.IsActive, &u.IsVerified, &u.IsSystemAdmin,
			&m.Role, &m.IsActive); err != nil {
			return err
		}
		m.Email = u.Email
		doc.Users = append(doc.Users, u)
		doc.Memberships = append(doc.Memberships, m)
	}
	return rows.Err()
}

// exportConnections adds the connections, their secrets sealed when a
// passphrase was given.
func exportConnections(ctx context.Context, orgID string, o ExportOptions, doc *Document) error {
	conns, err := o.Connections.Export(ctx, orgID)
	if err != nil {
		return err
	}
	var a cipher.AEAD
	if len(o.Passphrase) > 0 {
		// One key derivation for the whole export: Argon2id is costly by
		// design (64 MiB, 3 passes), so not once per connection.
		doc.Sealing = newSealing()
		if a, err = doc.Sealing.aead(o.Passphrase); err != nil {
			return err
		}
	}
	for _, c := range conns {
		out := c.Connection
		for name := range c.Secrets {
			out.SecretNames = append(out.SecretNames, name)
		}
		sortStrings(out.SecretNames)
		if a != nil && len(c.Secrets) > 0 {
			if out.Sealed, err = seal(a, out, c.Secrets); err != nil {
				return err
			}
		}
		doc.Connections = append(doc.Connections, out)
	}
	return nil
}
