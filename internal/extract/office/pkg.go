// Package office converts Office documents to Markdown: Word (.docx),
// PowerPoint (.pptx), Excel (.xlsx), CSV, and the legacy binary formats
// (.doc, .ppt, .xls) by way of LibreOffice.
//
// Library choices. The OOXML formats are read directly with archive/zip and
// encoding/xml rather than through a format library:
//
//   - Every OOXML package goes through one guarded zip reader (package.go)
//     that caps inflated bytes per member and in total (Options.MaxUncompressed),
//     so a zip bomb ends in a too_large error whichever format it claims to be.
//   - Namespaces are normalised on the way in (xmlnode.go): Transitional
//     (schemas.openxmlformats.org) and Strict (purl.oclc.org/ooxml) documents
//     become the same tree, which is what the pure-Go libraries (and pandoc)
//     get wrong.
//   - The Word and PowerPoint libraries in Go are either unmaintained or aimed
//     at writing documents; what a Markdown converter needs (styles with
//     basedOn inheritance, numbering levels, gridSpan/vMerge, text boxes inside
//     mc:AlternateContent, slide order from sldIdLst) is a few hundred lines
//     over a small element tree.
//   - For XLSX, excelize (github.com/xuri/excelize/v2) was considered: it is
//     well kept and formats numbers, but it keeps whole workbooks in memory
//     through its own zip handling and is several times slower than a
//     streaming read. Sheets are instead streamed with xml.Decoder (cells
//     only, no DOM), shared strings read once, and the small subset of number
//     formats that matters for text (dates, times, percentages, fixed
//     decimals) is implemented in numfmt.go.
//   - CSV uses encoding/csv after sniffing the delimiter; non-UTF-8 input
//     (UTF-16 with a BOM, Windows-1252) is decoded with the standard library
//     (a 32-entry code page table is all Windows-1252 needs).
//
// The legacy binary formats are converted by LibreOffice (soffice --headless
// --convert-to) into their OOXML siblings in a private temporary directory
// and then go through the converters above. An OLE compound file that holds
// an EncryptionInfo stream is a password-protected OOXML document and is
// reported as encrypted.
//
// Robustness: Convert recovers from panics (reported as corrupt), honours
// ctx between parts and while parsing, and bounds XML depth and element count.
package office
