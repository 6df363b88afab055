package org_test

import (
	"context"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/user"
)

// TestLastAdminCheckUnderConcurrency: two admins demote each other at once.
// The first transaction counts two admins and demotes B; the second,
// started meanwhile, must wait for the first and then count one admin
// (and so refuse) — on PostgreSQL's Read Committed a plain COUNT would see
// two and leave the organization without an admin.
func TestLastAdminCheckUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		o := org.Organization{Name: "Race", Slug: "race", IsActive: true}
		var a, b user.User
		err := d.InTx(ctx, func(q db.Querier) error {
			if err := org.Create(ctx, q, &o); err != nil {
				return err
			}
			for _, u := range []*user.User{&a, &b} {
				*u = user.User{Email: db.NewID() + "@example.com", Username: db.NewID(), PasswordHash: "!", IsActive: true}
				if err := user.Create(ctx, q, u); err != nil {
					return err
				}
				if err := user.AddMembership(ctx, q, &user.Membership{OrgID: o.ID, UserID: u.ID, Role: string(auth.RoleAdmin), IsActive: true}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		locked, release := make(chan int), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- d.InTx(ctx, func(q db.Querier) error {
				n, err := org.LockActiveAdmins(ctx, q, o.ID)
				if err != nil {
					return err
				}
				if err := org.SaveMembership(ctx, q, o.ID, b.ID, auth.RoleMember, true); err != nil {
					return err
				}
				locked <- n
				<-release
				return nil
			})
		}()
		if n := <-locked; n != 2 {
			t.Fatalf("first transaction counted %d admins", n)
		}
		second := make(chan int, 1)
		secondErr := make(chan error, 1)
		go func() {
			secondErr <- d.InTx(ctx, func(q db.Querier) error {
				n, err := org.LockActiveAdmins(ctx, q, o.ID)
				second <- n
				return err
			})
		}()
		time.Sleep(200 * time.Millisecond) // let the second reach its count (it must be waiting)
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if err := <-secondErr; err != nil {
			t.Fatal(err)
		}
		if n := <-second; n != 1 {
			t.Fatalf("the concurrent check counted %d active admins, want 1 (it did not wait for the first change)", n)
		}
	})
}
