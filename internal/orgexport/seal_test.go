package orgexport

import "testing"

// TestSealingRefusesExcessiveCosts: an export file names its own key
// derivation costs; ones that would exhaust the importing machine are
// refused before any work.
func TestSealingRefusesExcessiveCosts(t *testing.T) {
	ok := newSealing()
	for name, s := range map[string]Sealing{
		"memory": {KDF: "argon2id", Salt: ok.Salt, Time: 3, MemoryKiB: 2 << 20, Threads: 4, Cipher: "AES-256-GCM"},
		"passes": {KDF: "argon2id", Salt: ok.Salt, Time: 50, MemoryKiB: 64 * 1024, Threads: 4, Cipher: "AES-256-GCM"},
	} {
		if _, err := s.aead([]byte("passphrase")); err == nil {
			t.Errorf("%s: accepted %+v", name, s)
		}
	}
	if _, err := ok.aead([]byte("passphrase")); err != nil {
		t.Fatal(err)
	}
}
