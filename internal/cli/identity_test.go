package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/fixtures"
)

// runNow is run with the real clock, for pages saved recently.
func runNow(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), append([]string{"--lang", "en"}, args...), Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }, Now: time.Now,
	})
	return code, out.String(), errb.String()
}

func identities(t *testing.T, db string) map[string]archive.PlayerIdentity {
	t.Helper()
	ids := withArchive(t, db, func(a *archive.Archive) ([]archive.PlayerIdentity, error) { return a.Identities(context.Background()) })
	out := map[string]archive.PlayerIdentity{}
	for _, id := range ids {
		if id.Region != "" { // the fresh archive's empty "default"
			out[id.Player] = id
		}
	}
	return out
}

// TestImportAutoRealPages is issue 8's point 6: importing every page of
// ../shared/fixtures/dxnet into one archive with --player auto gives one
// player per in-game player, instead of one player holding four people's
// pages. Pages that show no name, of a region with several players, are
// refused with the reason (a whole folder per player settles them, below).
func TestImportAutoRealPages(t *testing.T) {
	root := fixtures.DXNet(t, "")
	db := filepath.Join(t.TempDir(), "auto.db")
	code, out, errOut := runNow(t, "--db", db, "import", "--player", "auto", root)
	if code != exitFail {
		t.Errorf("exit %d, want 1 (the error pages, fragments and old templates are rejected)", code)
	}
	got := identities(t, db)
	want := map[string]string{ // player → region and in-game name
		"Cia~(・ω": "cn Ｃｉａ～（・ω", // friendCode-truerou
		"SCHWI":   "cn ＳＣＨＷＩ",   // home-mainetcn
		"maibot♪": "cn ｍａｉｂｏｔ♪", // friendVs-bakapiano, its "you" side
		"MINTY":   "intl ＭＩＮＴＹ", // playerData and ratingTargetMusic of minty
		"jp":      "jp",         // musicLevel-jietng shows no name
	}
	if len(got) != len(want) {
		t.Errorf("players %v, want %v\n%s%s", got, want, out, errOut)
	}
	for player, w := range want {
		id, ok := got[player]
		if !ok {
			t.Errorf("no player %s for %s", player, w)
			continue
		}
		if s := strings.TrimSpace(id.Region + " " + strings.Join(id.Names, " ")); s != w || id.Mixed {
			t.Errorf("player %s is %q (mixed %v), want %q", player, s, id.Mixed, w)
		}
	}
	// Every intl page is minty's, the one intl player.
	for _, f := range []string{"record-minty-1.html", "musicGenre-minty-3.html", "musicDetail-minty-1.html"} {
		if !strings.Contains(out, f+": ") || !strings.Contains(out, "→ player MINTY") {
			t.Errorf("%s did not go to MINTY:\n%s", f, out)
		}
	}
	for _, f := range []string{"record-mainetcn-1.html", "record-truerou-1.html"} {
		if !strings.Contains(errOut, f+": another player's page: this cn page shows no player name, and there are several cn players") {
			t.Errorf("%s: want refused as a nameless page of one of several CN players:\n%s", f, errOut)
		}
	}

	// One folder per player: the record page goes with its folder's home.
	dir := t.TempDir()
	for folder, files := range map[string][]string{
		"mainetcn": {"cn/home-mainetcn-1.html", "cn/record-mainetcn-1.html"},
		"truerou":  {"cn/friendCode-truerou-1.html", "cn/record-truerou-1.html", "cn/musicGenre-truerou-1.html"},
	} {
		os.MkdirAll(filepath.Join(dir, folder), 0o755)
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(root, f))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, folder, filepath.Base(f)), b, 0o644)
		}
	}
	db2 := filepath.Join(t.TempDir(), "folders.db")
	code, out, errOut = runNow(t, "--db", db2, "import", "--player", "auto", dir)
	if code != exitOK {
		t.Fatalf("folders: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "record-mainetcn-1.html: record (cn) → player SCHWI") ||
		!strings.Contains(out, "record-truerou-1.html: record (cn) → player Cia~(・ω") {
		t.Errorf("record pages did not follow their folders:\n%s", out)
	}
	if ids := identities(t, db2); len(ids) != 2 {
		t.Errorf("players %v, want SCHWI and Cia~(・ω", ids)
	}
}

// TestImportOtherPlayerRefused: on the command line too, a page of another
// in-game player is refused (exit 1) naming both, and nothing is written.
func TestImportOtherPlayerRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	if code, out, e := runNow(t, "--db", db, "--player", "rin", "import", page("home-intl-2025.html")); code != exitOK {
		t.Fatalf("first page: %s%s", out, e)
	}
	before := rowCounts(t, db)
	code, _, errOut := runNow(t, "--db", db, "--player", "rin", "import", page("record-cn-mixed.html"))
	if code != exitFail || !strings.Contains(errOut, "another player's page: this page is of a cn player, but player \"rin\" is the intl player ＲＩＮ☆ＲＩＮ") {
		t.Errorf("a CN page for the intl player: exit %d\n%s", code, errOut)
	}
	if after := rowCounts(t, db); after["plays"] != before["plays"] || after["pages"] != before["pages"] {
		t.Errorf("the refused page wrote rows: %v → %v", before, after)
	}
	// A new player name takes it.
	if code, out, e := runNow(t, "--db", db, "--player", "ygzz", "import", page("record-cn-mixed.html")); code != exitOK {
		t.Errorf("as a new player: %s%s", out, e)
	}
	code, out, _ := runNow(t, "--db", db, "status")
	if code != exitOK || !strings.Contains(out, "in the game: intl ＲＩＮ☆ＲＩＮ") || !strings.Contains(out, "in the game: cn") {
		t.Errorf("status:\n%s", out)
	}
	if code, out, _ := runNow(t, "--db", db, "--player", "rin", "split"); code != exitOK || !strings.Contains(out, "nothing to split") {
		t.Errorf("split of a one-identity player: exit %d\n%s", code, out)
	}
}
