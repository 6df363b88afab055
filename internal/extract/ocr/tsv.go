package ocr

import (
	"slices"
	"strconv"
	"strings"
)

// reading is the text Tesseract recognised on a page, with its quality.
type reading struct {
	text   string
	words  int
	conf   float64 // mean word confidence, 0–100
	height int     // median height of the word boxes in pixels
}

// score weighs confidence by the amount of text, so that a page read the
// wrong way round (few words, low confidence) loses to the right reading.
func (r reading) score() float64 { return r.conf * float64(r.words) }

// goodConfidence is the mean word confidence above which an upright
// reading is accepted without checking the orientation. Text read at 90°
// or 180° scores far below it; clean print scores about 90.
const goodConfidence = 75

// parseTSV rebuilds the text from Tesseract's TSV output: words joined by
// spaces, a blank line between paragraphs (blocks and paragraphs in
// Tesseract's layout analysis).
func parseTSV(tsv string) reading {
	var b strings.Builder
	var r reading
	var sum float64
	var heights []int
	lastPar := ""
	for _, line := range strings.Split(tsv, "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 12 || f[0] != "5" {
			continue
		}
		word := strings.TrimSpace(f[11])
		if word == "" {
			continue
		}
		par := f[1] + "/" + f[2] + "/" + f[3]
		switch {
		case r.words == 0:
		case par != lastPar:
			b.WriteString("\n\n")
		default:
			b.WriteString(" ")
		}
		lastPar = par
		b.WriteString(word)
		conf, _ := strconv.ParseFloat(f[10], 64)
		sum += max(conf, 0)
		r.words++
		if h, err := strconv.Atoi(f[9]); err == nil {
			heights = append(heights, h)
		}
	}
	r.text = b.String()
	if r.words > 0 {
		r.conf = sum / float64(r.words)
	}
	if len(heights) > 0 {
		slices.Sort(heights)
		r.height = heights[len(heights)/2]
	}
	return r
}
