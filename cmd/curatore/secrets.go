package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/secret"
	"github.com/curatore/curatore/internal/webhook"
)

func init() {
	register("secrets", "re-encrypt stored secrets (connections, webhook signing secrets) under the current key (rotate [--generate])", runSecrets)
}

func runSecrets(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("secrets", flag.ContinueOnError)
	fs.SetOutput(stderr)
	generate := fs.Bool("generate", false, "first add a new random key at the top of the key file (key files only)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: curatore secrets rotate [--generate]

Re-encrypts every secret stored encrypted (connection secrets, webhook
signing secrets) under the current key, so older keys can be retired. Each
re-encryption is audited; a table lists how many of each kind were
re-encrypted.

With CURATORE_SECRET_KEY: set the new key there and the old one in
CURATORE_SECRET_KEY_PREVIOUS, run this, then remove the old key.
With a key file (CURATORE_SECRET_KEY_FILE, or the file generated beside the
SQLite database): --generate writes a new key at the top of the file and
keeps the old ones below it; after this command, the lines below the first
can be deleted.
`)
	}
	if err := fs.Parse(reorder(args)); err != nil {
		return 2
	}
	if fs.NArg() != 1 || fs.Arg(0) != "rotate" {
		fs.Usage()
		return 2
	}
	cfg, d, code := openDatabase(stderr)
	if d == nil {
		return code
	}
	defer d.Close()
	if *generate {
		if code := generateKey(cfg, stdout, stderr); code != 0 {
			return code
		}
	}
	keys, err := app.KeyringFor(cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{UserAgent: "curatore secrets rotate (command line)"})
	return rotateAll(ctx, d, keys, stdout, stderr)
}

// sealedKinds is every kind of value sealed with the secret keyring.
var sealedKinds = []secret.Column{connection.SealedSecrets, webhook.SealedSecrets}

// rotateAll re-seals every kind under the current key and prints a table
// of what each kind had re-sealed and skipped.
func rotateAll(ctx context.Context, d *db.DB, keys *secret.Keyring, stdout, stderr io.Writer) int {
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tRE-ENCRYPTED\tSKIPPED (CHANGED MEANWHILE)")
	total := 0
	for _, col := range sealedKinds {
		r, err := secret.Rotate(ctx, d, keys, col)
		if err != nil {
			tw.Flush()
			fmt.Fprintf(stderr, "%s: re-encrypted %d before an error: %v\n", col.Kind, r.Rotated, err)
			return 1
		}
		total += r.Rotated
		fmt.Fprintf(tw, "%s\t%d\t%d\n", col.Kind, r.Rotated, r.Skipped)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "re-encrypted %d secret(s) under key %s\n", total, keys.CurrentID())
	return 0
}

// reorder puts flags before the positional "rotate" so both orders work.
func reorder(args []string) []string {
	var flags, rest []string
	for _, a := range args {
		if len(a) > 1 && a[0] == '-' {
			flags = append(flags, a)
		} else {
			rest = append(rest, a)
		}
	}
	return append(flags, rest...)
}

// generateKey adds a new current key to the key file in use.
func generateKey(cfg *config.Config, stdout, stderr io.Writer) int {
	path := cfg.Connections.SecretKeyFile
	if path == "" && cfg.Connections.SecretKey == "" {
		path = app.DefaultKeyFile(cfg)
	}
	if path == "" {
		fmt.Fprintln(stderr, "--generate works with a key file; with CURATORE_SECRET_KEY set the new key yourself (see --help)")
		return 2
	}
	id, err := secret.PrependKey(path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "new key %s added to %s\n", id, path)
	return 0
}
