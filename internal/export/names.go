package export

import (
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes bounds an entry's file name (most file systems allow 255).
const maxNameBytes = 120

// windowsReserved are device names Windows refuses as file names.
var windowsReserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
}

// SafeName turns a user-given file name into one that is safe on any file
// system and in a ZIP: no directories (so no "../" escape), no control or
// reserved characters, no leading dots, not a Windows device name, at most
// maxNameBytes bytes. fallback is used when nothing is left.
func SafeName(name, fallback string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), strings.ContainsRune(`<>:"/\|?*`, r),
			unicode.Is(unicode.Cf, r): // format characters such as right-to-left overrides
			b.WriteByte('_')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.Trim(b.String(), " .")
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || name == "_" {
		name = fallback
	}
	stem := name
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	if windowsReserved[strings.ToUpper(stem)] {
		name = "_" + name
	}
	return truncate(name, maxNameBytes)
}

// truncate cuts name to at most n bytes, keeping its extension and whole
// characters.
func truncate(name string, n int) string {
	if len(name) <= n {
		return name
	}
	ext := path.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	stem := name[:len(name)-len(ext)]
	cut := n - len(ext)
	for cut > 0 && !utf8.RuneStart(stem[cut]) {
		cut--
	}
	return strings.TrimRight(stem[:cut], " .") + ext
}

// stem is a file name without its extension.
func stem(name string) string {
	return strings.TrimSuffix(name, path.Ext(name))
}

// names hands out unique entry names within a ZIP, comparing without case
// (macOS and Windows file systems ignore it): a repeated name gets " (2)",
// " (3)" … before its extension.
type names map[string]bool

func (u names) unique(dir, name string) string {
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	candidate := name
	for i := 2; u[strings.ToLower(dir+candidate)]; i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		candidate = truncate(base, maxNameBytes-len(suffix)-len(ext)) + suffix + ext
	}
	u[strings.ToLower(dir+candidate)] = true
	return dir + candidate
}

// ZipName is the download's file name: the user's zip_name made safe with
// ".zip" added, else fallback.
func ZipName(userName, fallback string) string {
	name := SafeName(userName, "")
	if name == "" {
		return fallback
	}
	if !strings.EqualFold(path.Ext(name), ".zip") {
		name = truncate(name, maxNameBytes-4) + ".zip"
	}
	return name
}

// ContentDisposition is an attachment header for name (RFC 6266): a quoted
// ASCII fallback and, when the name is not plain ASCII, the exact name
// percent-encoded as UTF-8 (RFC 5987). Neither can carry a quote, a line
// break or a semicolon into the header.
func ContentDisposition(name string) string {
	var ascii strings.Builder
	plain := true
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' || r == ';' {
			ascii.WriteByte('_')
			plain = false
			continue
		}
		ascii.WriteRune(r)
	}
	h := `attachment; filename="` + ascii.String() + `"`
	if !plain {
		h += "; filename*=UTF-8''" + percentEncode(name)
	}
	return h
}

// percentEncode encodes everything but RFC 5987's attr-char.
func percentEncode(s string) string {
	const attr = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attr, c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
