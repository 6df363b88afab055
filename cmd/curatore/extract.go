package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
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
each one starts with a comment line <!-- curatore: FILE -->; files are
converted up to one per core at once and printed in the order given.

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
	for r := range extractAll(ctx, x, f) {
		if r.err != nil {
			fmt.Fprintf(stderr, "curatore extract: %s: %s\n", r.name, oneLine(r.err))
			status = 1
			continue
		}
		if _, err := stdout.Write(r.out); err != nil {
			fmt.Fprintf(stderr, "curatore extract: %v\n", err)
			return 1
		}
	}
	return status
}

// extracted is one file's printed form, or why it failed.
type extracted struct {
	name string
	out  []byte
	err  error
}

// extractAll converts the files, up to one per core at once, and yields
// the results in the order of the arguments. At most that many results
// are held in memory: a file starts only when an earlier one is printed.
func extractAll(ctx context.Context, x *extract.Extractor, f extractFlags) iter.Seq[extracted] {
	return func(yield func(extracted) bool) {
		workers := min(runtime.GOMAXPROCS(0), len(f.files))
		slots := make(chan struct{}, workers)
		results := make([]chan extracted, len(f.files))
		for i := range results {
			results[i] = make(chan extracted, 1)
		}
		stopped := make(chan struct{})
		defer close(stopped)
		go func() {
			for i, name := range f.files {
				select {
				case slots <- struct{}{}:
				case <-stopped:
					return
				}
				go func() {
					out, err := extractOne(ctx, x, name, f)
					results[i] <- extracted{name: name, out: out, err: err}
				}()
			}
		}()
		for i := range f.files {
			r := <-results[i]
			<-slots
			if !yield(r) {
				return
			}
		}
	}
}

// extractOne converts one file and renders it in the chosen format.
func extractOne(ctx context.Context, x *extract.Extractor, name string, f extractFlags) ([]byte, error) {
	// Refuse an oversized file before reading it into memory.
	if fi, err := os.Stat(name); err == nil && fi.Size() > extract.DefaultMaxSize {
		return nil, format.Errorf(format.CodeTooLarge, "the file has %d bytes, more than the limit of %d", fi.Size(), extract.DefaultMaxSize)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	res, err := x.Extract(ctx, extract.Input{Name: filepath.Base(name), Data: data})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if f.format == "json" {
		j, err := json.Marshal(res)
		if err != nil {
			return nil, err
		}
		file, _ := json.Marshal(name)
		fmt.Fprintf(&b, "{\"file\":%s,%s\n", file, j[1:])
		return b.Bytes(), nil
	}
	if len(f.files) > 1 {
		fmt.Fprintf(&b, "<!-- curatore: %s -->\n\n", strings.ReplaceAll(name, "--", "- -"))
	}
	b.WriteString(res.Markdown)
	if len(f.files) > 1 {
		b.WriteString("\n")
	}
	return b.Bytes(), nil
}

// oneLine renders err on one line, with its code first when it has one.
func oneLine(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if c := format.CodeOf(err); c != "" && !strings.HasPrefix(s, string(c)) {
		s = string(c) + ": " + s
	}
	return s
}
