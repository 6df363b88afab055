package main

import (
	"fmt"
	"io"
)

func init() {
	register("extract", "convert documents to Markdown and print them", runExtract)
}

// runExtract is replaced by the extraction engine's CLI.
func runExtract(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "extract: not built yet")
	return 1
}
