// Package office converts Office documents to Markdown: Word (.docx),
// PowerPoint (.pptx), Excel (.xlsx), CSV, and the legacy binary formats
// (.doc, .ppt, .xls) by way of LibreOffice. Convert is the entry point;
// Sniff tells a dispatcher what an OOXML zip really is.
//
// # Library choices
//
// The OOXML formats are read directly with archive/zip and encoding/xml
// rather than through a format library:
//
//   - Every package goes through one guarded zip reader (package.go) that
//     caps inflated bytes per member and in total (Options.MaxUncompressed),
//     so a zip bomb ends in too_large whatever format it claims to be.
//   - Namespaces are normalised while parsing (xmlnode.go): Transitional
//     (schemas.openxmlformats.org) and Strict (purl.oclc.org/ooxml) documents
//     become the same element tree, which is what pandoc and the Go Word
//     libraries get wrong. The parser reads raw tokens and resolves prefixes
//     itself, a third faster than encoding/xml's own namespace handling, and
//     resolves mc:AlternateContent to one branch so text is never doubled.
//   - The Go Word and PowerPoint libraries are either unmaintained or made
//     for writing documents; what a Markdown converter needs (style basedOn
//     chains and outline levels, numbering levels and labels, gridSpan and
//     vMerge, text boxes, slide order from sldIdLst, placeholder positions
//     from layouts) is a few hundred lines over the small element tree.
//   - For XLSX, excelize (github.com/xuri/excelize/v2) was considered. It is
//     well kept and formats numbers, but it reads through its own zip and
//     XML layers (no shared bomb guard, several times slower, whole sheets in
//     memory as structs) and offers nothing for what matters most here:
//     splitting a sheet into its separate tables and reading chart data.
//     Sheets are instead streamed token by token (no element tree), and the
//     part of number formatting that changes the words a reader sees (dates,
//     times, percentages) is implemented in xlsx_numfmt.go.
//   - CSV uses encoding/csv after sniffing the delimiter; UTF-16 (with a BOM)
//     and Windows-1252 input are decoded with the standard library (a
//     32-entry table is all Windows-1252 needs beyond Latin-1).
//
// The legacy binary formats are converted by LibreOffice (soffice --headless
// --convert-to) into their OOXML siblings in a private temporary directory
// with its own profile, killed with its process group when ctx ends, and
// then go through the converters above. An OLE compound file that holds an
// EncryptionInfo stream is a password-protected OOXML document: encrypted.
//
// # Output conventions
//
// DOCX: Title is "#", "heading N" is N+1 "#"s (styles resolved through
// basedOn, outline levels count too); lists nest by four spaces, plain
// decimal levels are Markdown ordered items and composite labels ("1.2.",
// "(a)") are kept after a bullet; tables are GFM with the first row as
// header and merged cells repeated in every grid cell they cover; images are
// <!-- image -->. PPTX: one section per slide in presentation order, the
// title placeholder as "#", shapes in reading order (rows top to bottom,
// left to right), tables, charts as their data, speaker notes under
// "## Notes". XLSX: "## sheet name" per visible sheet, each separate block
// of cells as its own table (a one-value first row becomes a title line),
// charts as title, placeholder, kind and data table at their anchor.
//
// # Robustness
//
// Convert recovers from panics (reported as corrupt), honours ctx between
// parts and while streaming sheets, and bounds XML depth and element count,
// table widths, merged-cell filling, chart points and grid sizes. Fuzz
// targets cover the entry point and each format's main part.
package office
