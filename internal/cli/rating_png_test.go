package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/fixtures"
)

// TestRatingPNGMatchesJSON imports the real intl score pages, syncs the
// real intl song data and draws the B50 with rating --png: the picture
// decodes at the size it reports, is not blank, and the cards it laid out
// are rating --json's tables in order with the same titles,
// achievements, constants, marks and ratings.
func TestRatingPNGMatchesJSON(t *testing.T) {
	pages := fixtures.DXNet(t, "intl")
	data := fixtures.Shared(t, filepath.Join("data", "songs", "tachi-maimaidx-intl.2025-10-17.json"))
	dir := t.TempDir()
	env := map[string]string{"MAIPROBE_DB": filepath.Join(dir, "a.db"), "MAIPROBE_LANG": "en"}
	if code, _, errs := run(t, env, "", "import", "--at", "2026-01-01T00:00:00Z", pages); code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	if code, _, errs := run(t, env, "", "songs", "sync", "--from", data, "--region", "intl"); code != 0 {
		t.Fatalf("songs sync: %d %s", code, errs)
	}
	const at = "2026-01-02T00:00:00Z"
	code, out, errs := run(t, env, "", "rating", "--json", "--at", at)
	if code != 0 {
		t.Fatalf("rating --json: %d %s", code, errs)
	}
	type entry struct {
		Title       string   `json:"title"`
		Type        string   `json:"type"`
		Difficulty  string   `json:"difficulty"`
		Constant    *float64 `json:"constant"`
		Achievement float64  `json:"achievement"`
		Rank        string   `json:"rank"`
		FC          string   `json:"fc"`
		FS          string   `json:"fs"`
		Rating      int      `json:"rating"`
	}
	var js struct {
		Total    int     `json:"total"`
		NewTotal int     `json:"new_total"`
		OldTotal int     `json:"old_total"`
		New      []entry `json:"new"`
		Old      []entry `json:"old"`
	}
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatal(err)
	}
	if len(js.Old) != 35 || js.Total < 9000 {
		t.Fatalf("the real pages' B50: %d old charts, total %d; want a full old table", len(js.Old), js.Total)
	}

	file := filepath.Join(dir, "b50.png")
	code, out, errs = run(t, env, "", "rating", "--png", file, "--at", at)
	if code != 0 || !strings.Contains(out, "wrote "+file+" (1200×") || !strings.Contains(out, fmt.Sprintf(" %d cards", len(js.New)+len(js.Old))) || errs != "" {
		t.Fatalf("rating --png: %d\n%s\n%s", code, out, errs)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}

	// Draw it again as the command does, for the layout beside the bytes.
	c := &runCtx{Env: Env{Getenv: func(k string) string { return env[k] }}, cfg: Config{DB: env["MAIPROBE_DB"], Player: "default", Lang: "en"},
		msg: catalogue("en")}
	ctx := context.Background()
	a, err := openArchive(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	when, _ := time.Parse(time.RFC3339, at)
	r, err := a.Rating(ctx, "default", when)
	if err != nil {
		t.Fatal(err)
	}
	again, l, _, err := ratingPicture(ctx, c, a, r, "")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, b) {
		t.Fatal("rating --png wrote another picture than the layout read here")
	}
	if img.Bounds().Dx() != l.Width || img.Bounds().Dy() != l.Height || !strings.Contains(out, "×"+strconv.Itoa(l.Height)) {
		t.Errorf("picture %v, layout %dx%d, said %q", img.Bounds(), l.Width, l.Height, out)
	}
	if l.Total != js.Total || l.Name != "MINTY" && l.Name != "ＭＩＮＴＹ" {
		t.Errorf("header: %q %d, want the in-game name and %d", l.Name, l.Total, js.Total)
	}
	want := append(append([]entry{}, js.New...), js.Old...)
	if len(l.Cards) != len(want) {
		t.Fatalf("%d cards, want %d", len(l.Cards), len(want))
	}
	for i, card := range l.Cards {
		e := want[i]
		sec := "new"
		if i >= len(js.New) {
			sec = "old"
		}
		ach := strings.TrimSuffix(card.Achievement, "%")
		got := []any{card.Section, card.Title, string(card.Type), string(card.Difficulty), card.Constant, ach, string(card.Rank),
			string(card.FC), string(card.FS), card.Rating}
		w := []any{sec, e.Title, e.Type, e.Difficulty, constant(e.Constant), trimAch(e.Achievement), e.Rank, e.FC, e.FS, e.Rating}
		for k := range got {
			if got[k] != w[k] {
				t.Errorf("card %d: %v, want %v", i, got, w)
				break
			}
		}
		if len(l.Missing) > 0 && l.Font != "" {
			t.Errorf("characters without a glyph in %s: %q", l.Font, string(l.Missing))
		}
	}
	// Not blank: the cards hold many colours.
	colours := map[uint32]bool{}
	for y := 0; y < l.Height; y += 5 {
		for x := 0; x < l.Width; x += 5 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[r>>8<<16|g>>8<<8|bl>>8] = true
		}
	}
	if len(colours) < 1000 {
		t.Errorf("%d colours: a blank picture?", len(colours))
	}

	if code, _, errs := run(t, env, "", "rating", "--png", file, "--history"); code != 2 || !strings.Contains(errs, "--history") {
		t.Errorf("--png with --history: %d %s", code, errs)
	}
	if code, _, errs := run(t, env, "", "rating", "--png", file, "--font", filepath.Join(dir, "a.db")); code != 1 || !strings.Contains(errs, "font") {
		t.Errorf("--font that is no font: %d %s", code, errs)
	}
}

// constant prints a JSON constant as the layout does ("" when unknown).
func constant(c *float64) string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf("%.1f", *c)
}

// trimAch prints a JSON achievement with the layout's four decimals.
func trimAch(a float64) string { return fmt.Sprintf("%.4f", a) }
