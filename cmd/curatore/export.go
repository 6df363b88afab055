package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/orgexport"
)

func init() {
	register("export", "write one organization as a versioned JSON document", runExport)
	register("import", "merge an exported organization into this deployment", runImport)
}

func runExport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	slug := fs.String("org", "", "slug of the organization to export (required)")
	withSecrets := fs.Bool("include-secrets", false, "include connection secrets, sealed with --passphrase-file")
	passFile := fs.String("passphrase-file", "", "file holding the passphrase that seals the secrets (at least 12 characters)")
	out := fs.String("out", "", "write the document to FILE instead of standard output")
	dryRun := fs.Bool("dry-run", false, "print what would be exported; write no document")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: curatore export --org SLUG [--include-secrets --passphrase-file F] [--out FILE] [--dry-run]

Writes one organization as a versioned JSON document: the organization, its
settings, its users and memberships (never password hashes), its
connections and its webhook endpoints. Connection secrets (and webhook URLs'
credentials or query) are left out unless --include-secrets, which seals
them with AES-256-GCM under a key derived from the passphrase by Argon2id;
webhook signing secrets are never exported (imported endpoints get new ones). "curatore import" reads the
document here or in another deployment. A table of what was exported goes
to standard error.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return helpCode(err)
	}
	if *slug == "" || fs.NArg() != 0 || (*withSecrets != (*passFile != "")) {
		fs.Usage()
		return 2
	}
	var pass []byte
	if *withSecrets {
		var err error
		if pass, err = readPassphrase(*passFile); err != nil {
			fmt.Fprintln(stderr, "export:", err)
			return 2
		}
	}
	cfg, d, code := openDatabase(stderr)
	if d == nil {
		return code
	}
	defer d.Close()
	doc, err := orgexport.Export(context.Background(), d, *slug,
		orgexport.ExportOptions{Passphrase: pass, Version: app.Version, Connections: connectionStore(cfg, d, stderr),
			Webhooks: webhookStore(cfg, d)})
	if err != nil {
		fmt.Fprintln(stderr, "export:", err)
		return 1
	}
	printExport(stderr, doc)
	if *dryRun {
		fmt.Fprintln(stderr, "dry run: no document written")
		return 0
	}
	return writeDocument(doc, *out, stdout, stderr)
}

func writeDocument(doc *orgexport.Document, out string, stdout, stderr io.Writer) int {
	w := stdout
	if out != "" {
		f, err := os.OpenFile(out, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
		if err != nil {
			fmt.Fprintln(stderr, "export:", err)
			return 1
		}
		defer f.Close()
		w = f
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		fmt.Fprintln(stderr, "export:", err)
		return 1
	}
	return 0
}

func printExport(w io.Writer, doc *orgexport.Document) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WHAT\tCOUNT\tNOTE")
	fmt.Fprintf(tw, "organization\t1\t%s (%s)\n", doc.Organization.Slug, doc.Organization.Name)
	fmt.Fprintf(tw, "settings\t%d\t\n", len(doc.Settings))
	fmt.Fprintf(tw, "users\t%d\twithout password hashes\n", len(doc.Users))
	fmt.Fprintf(tw, "memberships\t%d\t\n", len(doc.Memberships))
	note := "secrets omitted"
	if doc.Sealing != nil {
		note = "secrets sealed (argon2id + AES-256-GCM)"
	}
	fmt.Fprintf(tw, "connections\t%d\t%s\n", len(doc.Connections), note)
	fmt.Fprintf(tw, "webhooks\t%d\tsigning secrets never exported\n", len(doc.Webhooks))
	tw.Flush()
}

func runImport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	passFile := fs.String("passphrase-file", "", "file holding the passphrase the export's secrets were sealed with")
	dryRun := fs.Bool("dry-run", false, "print what would happen; change nothing")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: curatore import [--dry-run] [--passphrase-file F] FILE

Merges an organization written by "curatore export" into this deployment:
the organization by slug, users by email, memberships, settings by key,
connections by type and name, webhook endpoints by URL. What is missing is created (imported users
have no password until they use password reset); what exists with the same
values is left; what exists with other values is reported as a conflict and
never overwritten. The organization, users, memberships and settings are
written in one audited transaction; each connection is created (and
audited) on its own. Prints a table of every item and what happened to it.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return helpCode(err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	doc, err := readDocument(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "import:", err)
		return 2
	}
	var pass []byte
	if *passFile != "" {
		if pass, err = readPassphrase(*passFile); err != nil {
			fmt.Fprintln(stderr, "import:", err)
			return 2
		}
	}
	cfg, d, code := openDatabase(stderr)
	if d == nil {
		return code
	}
	defer d.Close()
	ctx := audit.WithActor(context.Background(), audit.Actor{UserAgent: "curatore import (command line)"})
	rep, err := orgexport.Import(ctx, d, doc, orgexport.ImportOptions{DryRun: *dryRun, Passphrase: pass,
		Connections: connectionStore(cfg, d, stderr), Webhooks: webhookStore(cfg, d)})
	if rep != nil {
		printActions(stdout, rep)
	}
	if err != nil {
		fmt.Fprintln(stderr, "import:", err)
		return 1
	}
	return 0
}

func readDocument(name string) (*orgexport.Document, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var doc orgexport.Document
	dec := json.NewDecoder(io.LimitReader(f, 256<<20))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s is not a JSON document: %w", name, err)
	}
	return &doc, nil
}

// readPassphrase reads a passphrase file (a trailing newline is not part
// of it).
func readPassphrase(name string) ([]byte, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	p := strings.TrimRight(string(b), "\r\n")
	if len(p) < 12 {
		return nil, errors.New("the passphrase must be at least 12 characters")
	}
	return []byte(p), nil
}

func printActions(w io.Writer, rep *orgexport.Report) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAME\tACTION\tDETAIL")
	for _, a := range rep.Actions {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Kind, a.Name, a.Action, a.Detail)
	}
	tw.Flush()
	verb := "done"
	if rep.DryRun {
		verb = "dry run, nothing changed"
	}
	fmt.Fprintf(w, "%s: %d created, %d unchanged, %d conflicts, %d skipped\n", verb, rep.Count(orgexport.Create),
		rep.Count(orgexport.Unchanged), rep.Count(orgexport.Conflict), rep.Count(orgexport.Skip))
}
