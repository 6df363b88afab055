package main

import (
	"fmt"
	"io"
	"runtime"

	"github.com/curatore/curatore/internal/app"
)

func init() {
	register("version", "print the version", func(args []string, stdout, stderr io.Writer) int {
		fmt.Fprintf(stdout, "curatore %s (%s, %s/%s)\n", app.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return 0
	})
}
