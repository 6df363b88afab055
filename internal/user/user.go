// Package user stores users and their memberships in organizations. It is a
// store only: the rules (who may create whom, passwords, roles) live in the
// services that call it.
package user

import "time"

// User is a person who can sign in. PasswordHash never leaves the server.
type User struct {
	ID            string
	Email         string // always lower case
	Username      string
	PasswordHash  string
	FullName      string
	IsActive      bool
	IsVerified    bool
	IsSystemAdmin bool
	LastLoginAt   *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Membership is a user's role in one organization, with a few fields of the
// organization so that callers listing memberships need no second query.
type Membership struct {
	OrgID     string
	UserID    string
	Role      string // org_admin | member | viewer
	IsActive  bool
	InvitedBy string
	CreatedAt time.Time
	UpdatedAt time.Time

	OrgName        string
	OrgDisplayName string
	OrgSlug        string
	OrgIsActive    bool
}
