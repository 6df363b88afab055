package export

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"strconv"

	"github.com/curatore/curatore/internal/chunk"
)

// RecordSchemaVersion is the version of the chunk record's shape.
const RecordSchemaVersion = 1

// RecordSchema is the JSON Schema (2020-12) of a chunk record, served to
// clients and checked against the output in the tests.
//
//go:embed chunk.schema.json
var RecordSchema []byte

// Record is one chunk as it leaves for an embedding pipeline: a line of the
// JSONL export, an item of the chunk preview.
type Record struct {
	SchemaVersion   int      `json:"schema_version"`
	ChunkID         string   `json:"chunk_id"`
	DocumentID      string   `json:"document_id"`
	Filename        string   `json:"filename"`
	Source          string   `json:"source"`
	DocumentVersion int      `json:"document_version"`
	ChunkIndex      int      `json:"chunk_index"`
	ChunkCount      int      `json:"chunk_count"`
	Text            string   `json:"text"`
	EmbedText       string   `json:"embed_text"`
	HeadingPath     []string `json:"heading_path"`
	Pages           []int    `json:"pages"`
	CharStart       int      `json:"char_start"`
	CharEnd         int      `json:"char_end"`
	TokenCount      int      `json:"token_count"`
	EmbedTokenCount int      `json:"embed_token_count"`
	Tokenizer       string   `json:"tokenizer"`
	PrevChunkID     *string  `json:"prev_chunk_id"`
	NextChunkID     *string  `json:"next_chunk_id"`
	Quality         Quality  `json:"quality"`
}

// Records turns the chunks of one document version into records, linked
// to each other by prev_chunk_id and next_chunk_id.
func Records(ref Ref, chunks []chunk.Chunk, tokenizer string) []Record {
	ids := make([]string, len(chunks))
	for i, c := range chunks {
		ids[i] = ChunkID(ref.DocumentID, ref.Version, i, c.Text)
	}
	out := make([]Record, len(chunks))
	for i, c := range chunks {
		r := Record{
			SchemaVersion:   RecordSchemaVersion,
			ChunkID:         ids[i],
			DocumentID:      ref.DocumentID,
			Filename:        ref.Filename,
			Source:          ref.Source,
			DocumentVersion: ref.Version,
			ChunkIndex:      i,
			ChunkCount:      len(chunks),
			Text:            c.Text,
			EmbedText:       c.EmbedText,
			HeadingPath:     nonNil(c.HeadingPath),
			Pages:           nonNil(c.Pages),
			CharStart:       c.Start,
			CharEnd:         c.End,
			TokenCount:      c.Tokens,
			EmbedTokenCount: c.EmbedTokens,
			Tokenizer:       tokenizer,
			Quality:         ref.Quality,
		}
		r.Quality.ReasonCodes = nonNil(r.Quality.ReasonCodes)
		if i > 0 {
			r.PrevChunkID = &ids[i-1]
		}
		if i+1 < len(chunks) {
			r.NextChunkID = &ids[i+1]
		}
		out[i] = r
	}
	return out
}

// ChunkID is a chunk's stable identifier: a hash of the document version,
// the chunk's position and its text, so the same chunking of the same
// version gives the same ids and any change gives new ones.
func ChunkID(documentID string, version, index int, text string) string {
	h := sha256.New()
	for _, part := range []string{documentID, strconv.Itoa(version), strconv.Itoa(index), text} {
		h.Write([]byte(strconv.Itoa(len(part))))
		h.Write([]byte{':'})
		h.Write([]byte(part))
	}
	return "chk_" + hex.EncodeToString(h.Sum(nil)[:16])
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
