#!/usr/bin/env bash
# Times `curatore extract` against poppler's `pdftotext -layout` (issue: the
# whole-corpus ratio and the one-file call), with hyperfine when installed
# (Debian package hyperfine), else with a plain loop.
#
#   bench/extract/speed.sh [CORPUS]   # default ../shared/testdata/extraction
#
# Cases: one `curatore extract` call over the corpus's text PDFs against one
# `pdftotext -layout` per file; a one-page PDF; and a long text-heavy PDF
# (the README, made into a PDF by LibreOffice at run time when soffice is
# installed). The first run of a new binary compiles the PDFium module
# (several seconds) and caches it; the warm-up runs absorb that.
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus="${1:-../shared/testdata/extraction}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/curatore" ./cmd/curatore
pdfs=("$corpus"/pdf/*.pdf)
one="$corpus/pdf/docling_text_document_01_odt.pdf"
cmds=(
  "$work/curatore extract ${pdfs[*]}"
  "sh -c 'for f in ${pdfs[*]}; do pdftotext -layout \$f /dev/null; done'"
  "$work/curatore extract $one"
  "pdftotext -layout $one /dev/null"
)
if command -v soffice >/dev/null; then
  cp README.md "$work/long.txt"
  soffice --headless --convert-to pdf --outdir "$work" "$work/long.txt" >/dev/null 2>&1
  cmds+=("$work/curatore extract $work/long.pdf" "pdftotext -layout $work/long.pdf /dev/null")
  echo "long PDF: $(pdfinfo "$work/long.pdf" 2>/dev/null | awk '/^Pages/ {print $2}') pages"
fi
if command -v hyperfine >/dev/null; then
  hyperfine -N -w 3 -r 20 "${cmds[@]}"
  exit
fi
for c in "${cmds[@]}"; do
  sh -c "$c" >/dev/null
  echo "$c"
  /usr/bin/time -f "  %e s wall, %U s user, %S s sys" sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do $c >/dev/null; done"
done
