package storage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/storage"
)

// brokenGet fails Get for one key, as an unreadable source file.
type brokenGet struct {
	storage.Store
	key string
}

func (b brokenGet) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if key == b.key {
		return nil, errors.New("disk error")
	}
	return b.Store.Get(ctx, key)
}

// fill puts n objects of distinct sizes under orgs/<org>/.
func fill(t *testing.T, s storage.Store, org string, n int) {
	t.Helper()
	for i := range n {
		data := bytes.Repeat([]byte{byte('a' + i)}, 1000+i)
		if _, err := s.Put(context.Background(), fmt.Sprintf("orgs/%s/doc%d/original", org, i), bytes.NewReader(data), -1); err != nil {
			t.Fatal(err)
		}
	}
}

// copyAll runs Copy and returns the report and the actions by key.
func copyAll(t *testing.T, src, dst storage.Store, opts storage.CopyOptions) (storage.CopyReport, map[string]string) {
	t.Helper()
	actions := map[string]string{}
	opts.OnObject = func(r storage.CopyResult) { actions[r.Key] = r.Action }
	rep, err := storage.Copy(context.Background(), src, dst, opts)
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	return rep, actions
}

// testCopy checks dry run, copy, resume and a failing object between two
// stores.
func testCopy(t *testing.T, src, dst storage.Store) {
	fill(t, src, "a", 5)
	fill(t, src, "b", 2)
	rep, _ := copyAll(t, src, dst, storage.CopyOptions{DryRun: true})
	if rep.Copied != 7 || rep.Skipped != 0 || len(keys(t, dst, "")) != 0 {
		t.Fatalf("dry run: %+v, destination has %v", rep, keys(t, dst, ""))
	}
	// A partial earlier run: one object there already, one with the wrong size.
	put(t, dst, "orgs/a/doc0/original", bytes.Repeat([]byte{'a'}, 1000))
	put(t, dst, "orgs/a/doc1/original", []byte("truncated"))
	rep, actions := copyAll(t, brokenGet{src, "orgs/a/doc4/original"}, dst, storage.CopyOptions{Prefix: "orgs/a/", Workers: 3})
	if rep.Copied != 3 || rep.Skipped != 1 || rep.Failed != 1 {
		t.Errorf("copy = %+v, want 3 copied, 1 skipped, 1 failed", rep)
	}
	if actions["orgs/a/doc0/original"] != storage.ActionSkip || actions["orgs/a/doc4/original"] != storage.ActionFailed {
		t.Errorf("actions = %v", actions)
	}
	// Run again: only the failed one is left to copy.
	rep, _ = copyAll(t, src, dst, storage.CopyOptions{})
	if rep.Copied != 3 || rep.Skipped != 4 || rep.Failed != 0 {
		t.Errorf("resumed copy = %+v, want 3 copied (doc4 and org b), 4 skipped", rep)
	}
	want, got := keys(t, src, ""), keys(t, dst, "")
	if strings.Join(want, ",") != strings.Join(got, ",") {
		t.Fatalf("destination keys %v, want %v", got, want)
	}
	for _, k := range want {
		if !bytes.Equal(read(t, src, k), read(t, dst, k)) {
			t.Errorf("%s differs after copy", k)
		}
	}
}

func TestCopyLocalToLocal(t *testing.T) {
	testCopy(t, newLocal(t), newLocal(t))
}

func TestCopyLocalToS3AndBack(t *testing.T) {
	s3 := newS3(t)
	testCopy(t, newLocal(t), s3)
	back := newLocal(t)
	rep, _ := copyAll(t, s3, back, storage.CopyOptions{})
	if rep.Copied != 7 || rep.Failed != 0 {
		t.Errorf("S3 → local = %+v", rep)
	}
}

// The test helpers below read back through the Store interface.

func put(t *testing.T, s storage.Store, key string, data []byte) {
	t.Helper()
	if _, err := s.Put(context.Background(), key, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, s storage.Store, key string) []byte {
	t.Helper()
	rc, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func keys(t *testing.T, s storage.Store, prefix string) []string {
	t.Helper()
	var out []string
	if err := s.List(context.Background(), prefix, func(i storage.Info) error { out = append(out, i.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}
