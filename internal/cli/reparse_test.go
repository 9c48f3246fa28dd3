//go:build !function

package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// TestReparseGenerated is the review's finding, as the reviewer ran it:
// `gen --plays 300 --player carol` then `reparse` printed "重新解析 58 页"
// and left carol with 0 plays. Now the reparse keeps every play, detail,
// snapshot and best, and `rating --json` and `export` are unchanged.
func TestReparseGenerated(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	run := func(args ...string) (int, string, string) {
		var out, errs bytes.Buffer
		code := Run(context.Background(), append([]string{"--db", db}, args...), Env{Stdout: &out, Stderr: &errs})
		return code, out.String(), errs.String()
	}
	if code, out, errs := run("gen", "--plays", "300", "--player", "carol"); code != exitOK {
		t.Fatalf("gen: exit %d\n%s%s", code, out, errs)
	}
	state := func() (status, rating, export string) {
		t.Helper()
		code, status, errs := run("status")
		if code != exitOK || !strings.Contains(status, "玩家 carol：300 次游玩") {
			t.Fatalf("status: exit %d\n%s%s", code, status, errs)
		}
		code, rating, errs = run("--player", "carol", "rating", "--json")
		if code != exitOK {
			t.Fatalf("rating --json: exit %d\n%s", code, errs)
		}
		// "at" is the clock's now; everything else is the archive's.
		var r map[string]any
		if err := json.Unmarshal([]byte(rating), &r); err != nil {
			t.Fatal(err)
		}
		delete(r, "at")
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		rating = string(b)
		code, export, errs = run("--player", "carol", "export")
		if code != exitOK {
			t.Fatalf("export: exit %d\n%s", code, errs)
		}
		return status, rating, dropExportClock(t, export)
	}
	status, rating, export := state()
	if !strings.Contains(rating, `"total":`) {
		t.Fatalf("rating --json printed %q", rating)
	}

	code, out, errs := run("--player", "carol", "reparse")
	if code != exitOK || errs != "" || !strings.Contains(out, "游玩 300，") {
		t.Fatalf("reparse: exit %d\n%s%s", code, out, errs)
	}
	s2, r2, e2 := state()
	if s2 != status {
		t.Errorf("status after the reparse:\n%s\nbefore:\n%s", s2, status)
	}
	if r2 != rating {
		t.Errorf("rating --json changed with the reparse:\n%s\nbefore:\n%s", r2, rating)
	}
	if e2 != export {
		t.Errorf("the export changed with the reparse (%d bytes, %d before)", len(e2), len(export))
	}
}

// TestReparseRefusesUnreadable: an archive restored from an export that
// holds a page this maiprobe cannot read (as one from a later version
// may) is not reparsed: the command names the page and its reason, says
// nothing changed, exits 1, and the archive keeps every play. split
// refuses the same way.
func TestReparseRefusesUnreadable(t *testing.T) {
	dir := t.TempDir()
	run := func(db string, args ...string) (int, string, string) {
		var out, errs bytes.Buffer
		code := Run(context.Background(), append([]string{"--db", filepath.Join(dir, db), "--player", "carol"}, args...), Env{Stdout: &out, Stderr: &errs})
		return code, out.String(), errs.String()
	}
	if code, out, errs := run("gen.db", "gen", "--plays", "120"); code != exitOK {
		t.Fatalf("gen: exit %d\n%s%s", code, out, errs)
	}
	code, export, errs := run("gen.db", "export")
	if code != exitOK {
		t.Fatalf("export: exit %d\n%s", code, errs)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(export), &doc); err != nil {
		t.Fatal(err)
	}
	player := doc["players"].([]any)[0].(map[string]any)
	junk := []byte("<!DOCTYPE html><html><body><div class=\"record_2027\">a layout of a later site</div></body></html>")
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(junk)
	player["pages"] = append(player["pages"].([]any), map[string]any{
		"sha256": hex.EncodeToString(sum[:]), "kind": "record", "region": "cn", "source_name": "record-2027.html",
		"size": len(junk), "observed_at": time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC), "imported_at": time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC),
		"compression": "zstd", "data": enc.EncodeAll(junk, nil),
	})
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "later.json")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := run("restored.db", "import", file); code != exitOK {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errs)
	}
	_, before, _ := run("restored.db", "status")
	if !strings.Contains(before, "玩家 carol：120 次游玩") {
		t.Fatalf("status after the restore:\n%s", before)
	}
	for _, cmd := range []string{"reparse", "split"} {
		code, out, errs := run("restored.db", cmd)
		if code != exitFail || !strings.Contains(errs, "页面 record-2027.html 现在无法解析：不是 maimai DX NET 页面") ||
			!strings.Contains(errs, "1 个保存的页面无法重新解析，所以什么都没有改") {
			t.Errorf("%s: exit %d\n%s%s", cmd, code, out, errs)
		}
		if _, after, _ := run("restored.db", "status"); after != before {
			t.Errorf("status after the refused %s:\n%s\nbefore:\n%s", cmd, after, before)
		}
	}
	code, _, errs = run("restored.db", "--lang", "en", "reparse")
	if code != exitFail || !strings.Contains(errs, "page record-2027.html no longer parses: ") ||
		!strings.Contains(errs, "1 stored pages cannot be read again, so nothing was changed") {
		t.Errorf("reparse in English: exit %d\n%s", code, errs)
	}
}

// dropExportClock drops what an export takes from the clock: when it was
// written, when its player was made and its pages imported.
func dropExportClock(t *testing.T, export string) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(export), &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "exported_at")
	for _, p := range doc["players"].([]any) {
		p := p.(map[string]any)
		delete(p, "created_at")
		for _, pg := range p["pages"].([]any) {
			delete(pg.(map[string]any), "imported_at")
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
