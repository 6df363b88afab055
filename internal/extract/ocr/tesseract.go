package ocr

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

// maxOutput bounds what is read from one Tesseract run.
const maxOutput = 64 << 20

// minOrientationConfidence is the OSD confidence below which a detected
// rotation is not trusted. Tesseract reports about 1–3 for an upright page
// of sparse text and well above 5 for a page of ordinary prose.
const minOrientationConfidence = 1.0

// checked caches, per binary path, whether "tesseract --version" ran.
var checked sync.Map // string → error

// findTesseract resolves the tesseract program and checks once that it runs.
func findTesseract(opts Options) (string, error) {
	path, err := exec.LookPath(opts.TesseractPath)
	if err != nil {
		return "", &format.Error{Code: format.CodeOCRUnavailable,
			Detail: "tesseract not found (install tesseract-ocr or set TESSERACT_PATH)", Err: err}
	}
	if v, ok := checked.Load(path); ok {
		if v != nil {
			return "", v.(error)
		}
		return path, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var res error
	if out, err := exec.CommandContext(ctx, path, "--version").CombinedOutput(); err != nil {
		res = &format.Error{Code: format.CodeOCRUnavailable,
			Detail: "tesseract does not run: " + firstLine(out), Err: err}
	}
	checked.Store(path, res)
	if res != nil {
		return "", res
	}
	return path, nil
}

// tesseract runs the binary on one image given on stdin and returns stdout.
func tesseract(ctx context.Context, bin string, img []byte, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, bin, append([]string{"stdin", "stdout"}, args...)...)
	cmd.Stdin = bytes.NewReader(img)
	stdout := &limitedBuffer{max: maxOutput}
	var stderr limitedBuffer
	stderr.max = 64 << 10
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	// Tesseract's OpenMP threads slow it down on a shared machine where
	// several documents are converted at once; one thread per process is
	// faster overall.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, &format.Error{Code: format.CodeTimeout, Detail: "OCR did not finish in time", Err: ctx.Err()}
	}
	msg := stderr.String()
	if strings.Contains(msg, "Failed loading language") || strings.Contains(msg, "Error opening data file") {
		return nil, format.Errorf(format.CodeOCRUnavailable, "tesseract language data missing: %s", firstLine([]byte(msg)))
	}
	if err != nil {
		return nil, &format.Error{Code: format.CodeCorrupt, Detail: "tesseract could not read the image: " + lastLine(msg), Err: err}
	}
	if stdout.over {
		return nil, format.Errorf(format.CodeTooLarge, "OCR output exceeds %d bytes", maxOutput)
	}
	return stdout.Bytes(), nil
}

var (
	scriptRe     = regexp.MustCompile(`(?m)^Script:\s*(\S+)`)
	rotateRe     = regexp.MustCompile(`(?m)^Rotate:\s*(\d+)`)
	confidenceRe = regexp.MustCompile(`(?m)^Orientation confidence:\s*([0-9.]+)`)
)

// orientation returns by how many degrees (clockwise) the page must be turned
// to stand upright, and the script it is written in ("Latin", "Arabic",
// "Han", …; "" when unknown), using Tesseract's orientation and script
// detection. A page OSD cannot judge (too little text, OSD data not
// installed) counts as upright; only a timeout is an error.
func orientation(ctx context.Context, bin string, img []byte) (int, string, error) {
	out, err := tesseract(ctx, bin, img, "--psm", "0")
	if err != nil {
		if format.CodeOf(err) == format.CodeTimeout {
			return 0, "", err
		}
		return 0, "", nil
	}
	script := ""
	if m := scriptRe.FindStringSubmatch(string(out)); m != nil {
		script = m[1]
	}
	return parseOSD(string(out)), script, nil
}

// parseOSD reads the rotation out of "tesseract --psm 0" output.
func parseOSD(out string) int {
	m := rotateRe.FindStringSubmatch(out)
	c := confidenceRe.FindStringSubmatch(out)
	if m == nil || c == nil {
		return 0
	}
	rot, _ := strconv.Atoi(m[1])
	conf, _ := strconv.ParseFloat(c[1], 64)
	if conf < minOrientationConfidence {
		return 0
	}
	switch rot {
	case 90, 180, 270:
		return rot
	}
	return 0
}

// limitedBuffer keeps at most max bytes and remembers that more came.
type limitedBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); len(p) > room {
		b.over = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if s == "" {
		return "no message"
	}
	return s
}

// errNotImage is returned for bytes that are no supported image format.
var errNotImage = errors.New("not a PNG, JPEG, TIFF, BMP, GIF or WebP image")
