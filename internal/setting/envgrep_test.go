package setting_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/setting"
)

// readsAllowed are the files that may name an overriding variable or read
// the configuration fields that hold them: configuration loading, the
// catalogue itself, the offline extraction command (it has no organization)
// and the ENV importer (which turns those variables into settings rows).
var readsAllowed = []string{
	"internal/config/",
	"internal/extract/config.go",
	"internal/setting/",
	"cmd/curatore/extract.go",
	"internal/envimport/",
}

// configFields are the Config fields that carry overriding variables.
var configFields = regexp.MustCompile(`\b(?:[Cc]fg|[Cc]onfig)\.(?:MaxFileSize|AuditLogRetention|Extraction\.(?:Priority|OCRLang|OCRPSM|Timeout))\b`)

// TestNoOtherPathReadsOverridingVariables: every variable that overrides a
// setting is read through the Resolver. Production code elsewhere that
// names one of them in a string literal, or reads the Config fields that
// hold them, fails this test.
func TestNoOtherPathReadsOverridingVariables(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	names := setting.EnvNames()
	if len(names) < 8 {
		t.Fatalf("only %d variables in the catalogue", len(names))
	}
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, root+string(filepath.Separator)))
		for _, a := range readsAllowed {
			if strings.HasPrefix(rel, a) {
				return nil
			}
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for _, n := range names {
			if strings.Contains(string(src), `"`+n+`"`) {
				t.Errorf("%s names %s: read the setting through setting.Resolver instead", rel, n)
			}
		}
		if m := configFields.Find(src); m != nil {
			t.Errorf("%s reads %s: read the setting through setting.Resolver instead", rel, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("only %d files checked; is the walk rooted at the module?", checked)
	}
}
