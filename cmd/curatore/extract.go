package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/extract/format"
)

func init() {
	register("extract", "convert documents to Markdown and print them", runExtract)
}

const extractUsage = `Usage: curatore extract FILE... [--format md|json] [--engine native|docling|default|auto]

Converts each FILE to Markdown and prints it to stdout. With several files,
each one starts with a comment line <!-- curatore: FILE -->.

Flags:
  --format md|json   md (default) prints the Markdown; json prints one object
                     per file: {file, markdown, engine, method, page_count,
                     ocr_used, chars, warnings, duration_ms, attempts}
                     (several files: one JSON object per line)
  --engine NAME      engine to try first; default EXTRACTION_PRIORITY (native)

Configuration comes from the environment: EXTRACTION_PRIORITY, EXTRACTION_TIMEOUT,
DOCLING_SERVICE_URL, DOCLING_TIMEOUT, DOCLING_VERIFY_SSL, EXTRACTION_SERVICE_URL,
EXTRACTION_SERVICE_API_KEY, EXTRACTION_SERVICE_TIMEOUT, OCR_LANG, OCR_PSM, TESSERACT_PATH.

Exit status: 0 when every file converted, 1 when one failed, 2 on bad usage.
`

// extractFlags are the parsed arguments of "curatore extract".
type extractFlags struct {
	files  []string
	format string
	engine string
}

// parseExtractArgs accepts flags before, between and after the files.
func parseExtractArgs(args []string, stderr io.Writer) (extractFlags, error) {
	f := extractFlags{format: "md"}
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.format, "format", "md", "")
	fs.StringVar(&f.engine, "engine", "", "")
	for {
		if err := fs.Parse(args); err != nil {
			return f, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		f.files = append(f.files, args[0])
		args = args[1:]
	}
	switch {
	case f.format != "md" && f.format != "json":
		return f, fmt.Errorf("--format must be md or json, not %q", f.format)
	case len(f.files) == 0:
		return f, errors.New("no FILE given")
	}
	return f, nil
}

func runExtract(args []string, stdout, stderr io.Writer) int {
	f, err := parseExtractArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, extractUsage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "curatore extract: %v\n\n%s", err, extractUsage)
		return 2
	}
	getenv, err := config.Getenv()
	if err != nil {
		fmt.Fprintf(stderr, "curatore extract: %v\n", err)
		return 2
	}
	cfg, err := extract.ConfigFromEnv(getenv)
	if f.engine != "" && err == nil {
		cfg.Priority = f.engine
		err = cfg.Validate()
	}
	if err != nil {
		fmt.Fprintf(stderr, "curatore extract: configuration: %s\n", strings.ReplaceAll(err.Error(), "\n", "; "))
		return 2
	}
	x, err := extract.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "curatore extract: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	status := 0
	for _, name := range f.files {
		if err := extractOne(ctx, x, name, f, stdout); err != nil {
			fmt.Fprintf(stderr, "curatore extract: %s: %s\n", name, oneLine(err))
			status = 1
		}
	}
	return status
}

// extractOne converts one file and prints it in the chosen format.
func extractOne(ctx context.Context, x *extract.Extractor, name string, f extractFlags, stdout io.Writer) error {
	// Refuse an oversized file before reading it into memory.
	if fi, err := os.Stat(name); err == nil && fi.Size() > extract.DefaultMaxSize {
		return format.Errorf(format.CodeTooLarge, "the file has %d bytes, more than the limit of %d", fi.Size(), extract.DefaultMaxSize)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	res, err := x.Extract(ctx, extract.Input{Name: filepath.Base(name), Data: data})
	if err != nil {
		return err
	}
	if f.format == "json" {
		b, err := json.Marshal(res)
		if err != nil {
			return err
		}
		file, _ := json.Marshal(name)
		_, err = fmt.Fprintf(stdout, "{\"file\":%s,%s\n", file, b[1:])
		return err
	}
	if len(f.files) > 1 {
		fmt.Fprintf(stdout, "<!-- curatore: %s -->\n\n", strings.ReplaceAll(name, "--", "- -"))
	}
	_, err = io.WriteString(stdout, res.Markdown)
	if len(f.files) > 1 {
		fmt.Fprintln(stdout)
	}
	return err
}

// oneLine renders err on one line, with its code first when it has one.
func oneLine(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if c := format.CodeOf(err); c != "" && !strings.HasPrefix(s, string(c)) {
		s = string(c) + ": " + s
	}
	return s
}
