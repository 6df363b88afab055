package connection_test

import (
	"context"
	"testing"

	"github.com/curatore/curatore/internal/testenv"
)

// BenchmarkLLMFor measures what a worker pays per document to resolve its
// organization's LLM: one indexed query, one AES-GCM open, validation and
// the client (pooled HTTP transport).
func BenchmarkLLMFor(b *testing.B) {
	for _, e := range engines() {
		b.Run(string(e), func(b *testing.B) {
			env := testenv.New(b, e, nil)
			o := env.CreateOrg(b, "Bench")
			u := env.CreateUser(b, o.ID, "org_admin", "bench admin")
			sc := scope(o.ID, u.ID)
			off := false
			if _, err := env.App.Connections.Create(context.Background(), sc, createInput("L", "llm",
				map[string]any{"base_url": "http://127.0.0.1:9/v1", "api_key": "sk-bench", "model": "m"}, &off)); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				if _, err := env.App.ConnectionResolver.LLMFor(ctx, o.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
