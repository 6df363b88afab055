package office

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/curatore/curatore/internal/extract/format"
)

// convertLegacy converts .doc/.xls/.ppt (and other formats LibreOffice
// reads) to their OOXML sibling with soffice, then converts that.
func convertLegacy(ctx context.Context, data []byte, ext string, opts format.Options) (format.Output, error) {
	target := map[string]string{".doc": "docx", ".rtf": "docx", ".odt": "docx",
		".xls": "xlsx", ".ods": "xlsx", ".ppt": "pptx", ".odp": "pptx"}[ext]
	if target == "" {
		return format.Output{}, format.Errorf(format.CodeUnsupported, "no LibreOffice conversion for %q", ext)
	}
	bin, err := findSoffice(opts.SofficePath)
	if err != nil {
		return format.Output{}, err
	}
	dir, err := os.MkdirTemp("", "curatore-soffice-")
	if err != nil {
		return format.Output{}, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "input"+ext)
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return format.Output{}, err
	}
	outDir := filepath.Join(dir, "out")
	cmd := exec.CommandContext(ctx, bin, "--headless", "--norestore", "--nologo",
		"-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--convert-to", target, "--outdir", outDir, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	cmd.WaitDelay = 5 * time.Second
	killGroupOnCancel(cmd)
	msg, runErr := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return format.Output{}, ctx.Err()
	}
	converted, err := os.ReadFile(filepath.Join(outDir, "input."+target))
	if err != nil {
		return format.Output{}, format.Errorf(format.CodeCorrupt, "LibreOffice could not convert the %s file: %v %s",
			ext, runErr, strings.TrimSpace(string(msg)))
	}
	if bytes.HasPrefix(converted, cfbMagic) { // never loop back into LibreOffice
		return format.Output{}, format.Errorf(format.CodeCorrupt, "LibreOffice produced no OOXML")
	}
	out, err := convert(ctx, converted, "."+target, opts)
	out.Method = "libreoffice+" + out.Method
	return out, err
}

// findSoffice returns the LibreOffice binary: the configured path, or
// soffice / libreoffice on PATH.
func findSoffice(configured string) (string, error) {
	names := []string{"soffice", "libreoffice"}
	if configured != "" {
		names = []string{configured}
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", &format.Error{Code: format.CodeNeedsLibreOffice,
		Detail: "legacy Office formats need LibreOffice (soffice), which is not installed", Err: errors.New("soffice not found")}
}

// cfbHasStream reports whether an OLE compound file has a directory entry
// with the given name. Directory entry names are stored as UTF-16LE, so a
// byte search for the encoded name is enough to tell an encrypted OOXML
// package (streams EncryptionInfo and EncryptedPackage) from a legacy
// binary document, without parsing the sector chains.
func cfbHasStream(data []byte, name string) bool {
	u := utf16.Encode([]rune(name))
	enc := make([]byte, 0, 2*len(u))
	for _, c := range u {
		enc = append(enc, byte(c), byte(c>>8))
	}
	return bytes.Contains(data, enc)
}
