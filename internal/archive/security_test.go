package archive

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// These tests reproduce the attacks of issue 8 on the archive's one way in
// (docs/security.md lists them with their defences).

// exportOf exports a filled archive and decodes the file, for tests that
// tamper with it.
func exportOf(t *testing.T, a *Archive, players ...string) exportFile {
	t.Helper()
	var f exportFile
	if err := json.Unmarshal(export(t, a, players...), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func encode(t *testing.T, f exportFile) []byte {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSecurityExportOfSeveralPlayers: an export listing several players,
// imported for one player (what a token's or login's import does), used to
// write every player of the file: plays for another player, a new player,
// a raised best. It is refused whole now.
func TestSecurityExportOfSeveralPlayers(t *testing.T) {
	ctx := context.Background()
	src := openDB(t, "sqlite")
	fillArchive(t, src) // alice and bob
	file := exportOf(t, src, "alice", "bob")
	// Bob's best raised, and a player the target archive does not have.
	for i := range file.Players[1].Scores {
		file.Players[1].Scores[i].Achievement = 1005000
		file.Players[1].Scores[i].Rank = maimai.RankSSSP
		file.Players[1].Scores[i].FC = maimai.AP
	}
	carol := file.Players[1]
	carol.Name = "carol"
	file.Players = append(file.Players, carol)
	data := encode(t, file)

	a := openDB(t, "sqlite")
	fillArchive(t, a)
	before := rowCounts(t, a)
	res := a.Import(ctx, "alice", Source{Name: "export.json", Data: data})
	if res.Status != Rejected || !errors.Is(res.Err, ErrIdentity) || !strings.Contains(res.Err.Error(), "holds 3 players") {
		t.Fatalf("an export of 3 players imported for alice: %s %v, want rejected naming the players", res.Status, res.Err)
	}
	if after := rowCounts(t, a); !maps.Equal(before, after) {
		t.Errorf("a rejected export changed the archive: %v → %v", before, after)
	}
	ps, _ := a.Players(ctx)
	for _, p := range ps {
		if p.Name == "carol" {
			t.Error("the export created player carol")
		}
	}
	// The command line restores them all only when told to.
	if res := a.ImportWith(ctx, Source{Name: "export.json", Data: data}, ImportOptions{AllPlayers: true}); res.Status == Rejected {
		t.Errorf("--all-players: %v", res.Err)
	}
}

// TestSecurityRestoreRules: every restored row passes the sanity rules a
// page import applies; a file breaking one is refused whole.
func TestSecurityRestoreRules(t *testing.T) {
	ctx := context.Background()
	src := openDB(t, "sqlite")
	fillArchive(t, src)
	clean := exportOf(t, src, "alice")
	for _, tc := range []struct {
		name   string
		tamper func(p *exportPlayer)
		want   string
	}{
		{"a play at 150%", func(p *exportPlayer) { p.Plays[0].Achievement = 1500000 }, "achievement 150% is over 101%"},
		{"a play's DX score over its max", func(p *exportPlayer) { p.Plays[0].DXScore = p.Plays[0].DXScoreMax + 1 }, "is over its max"},
		{"a play's rank that does not match", func(p *exportPlayer) { p.Plays[0].Rank = maimai.RankSSSP }, "does not match achievement"},
		{"a play in the future", func(p *exportPlayer) { p.Plays[0].PlayedAt = testNow.AddDate(1, 0, 0) }, "in the future"},
		{"a play of no chart type", func(p *exportPlayer) { p.Plays[0].Type = "xx" }, "unknown chart type"},
		{"a play of an unknown region", func(p *exportPlayer) { p.Plays[0].Region = "mars" }, "unknown region"},
		{"six DX stars", func(p *exportPlayer) { p.Plays[0].DXStars = 6 }, "6 DX stars"},
		{"a best at 101.5%", func(p *exportPlayer) {
			p.Scores[0].Achievement, p.Scores[0].Rank = 1015000, maimai.RankSSSP
		}, "achievement 101.5% is over 101%"},
		{"a best's DX score over its max", func(p *exportPlayer) { p.Scores[0].DXScore = p.Scores[0].DXScoreMax + 500 }, "is over its max"},
		{"a history step at 101.5%", func(p *exportPlayer) {
			p.ScoreHistory[0].Achievement, p.ScoreHistory[0].Rank = 1015000, maimai.RankSSSP
		}, "score history 1"},
		{"a negative rating", func(p *exportPlayer) { p.Snapshots[0].Rating = -5 }, "negative rating"},
		{"a photo before maimai DX", func(p *exportPlayer) { p.Photos[0].TakenAt = dxLaunch.AddDate(-1, 0, 0) }, "before maimai DX launched"},
		{"a page over the size limit", func(p *exportPlayer) { p.Pages[0].Size = dxnet.MaxPageSize + 1 }, "page limit"},
		{"a detail whose notes disagree with the DX max", func(p *exportPlayer) {
			for i := range p.Plays {
				if p.Plays[i].Detail != nil {
					p.Plays[i].DXScoreMax += 3
					p.Plays[i].DXScore = 0
					return
				}
			}
			t.Fatal("no play with a detail")
		}, "notes of the judgement table"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f exportFile
			if err := json.Unmarshal(encode(t, clean), &f); err != nil {
				t.Fatal(err)
			}
			tc.tamper(&f.Players[0])
			a := openDB(t, "sqlite")
			before := rowCounts(t, a)
			res := a.Import(ctx, "alice", Source{Name: "export.json", Data: encode(t, f)})
			if res.Status != Rejected || !strings.Contains(res.Err.Error(), tc.want) {
				t.Fatalf("%s: %s %v, want rejected with %q", tc.name, res.Status, res.Err, tc.want)
			}
			if after := rowCounts(t, a); !maps.Equal(before, after) {
				t.Errorf("a rejected export changed the archive: %v → %v", before, after)
			}
		})
	}
	// The untampered file restores.
	a := openDB(t, "sqlite")
	if res := a.Import(ctx, "alice", Source{Name: "export.json", Data: encode(t, clean)}); res.Status != Added {
		t.Fatalf("clean export: %s %v", res.Status, res.Err)
	}
}

// bombFrame is a zstd frame of n zero bytes; its header does not say how
// large it is, so only counting while decoding can stop it.
func bombFrame(t testing.TB, n int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc, err := zstd.NewWriter(&buf, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(enc, zeros{}, n); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// peakRSS reads the process's peak resident set size (VmHWM) in bytes.
func peakRSS(t testing.TB) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// TestSecurityDecompressionBomb: a 330 KB export holding a zstd frame of
// 1 GB of zeros took the server to 4.4 GB and stored a 1 GB page; reparse
// later took 3.2 GB. Both run in a process of their own here, so its peak
// RSS (VmHWM) measures them alone: it must stay under 300 MB.
func TestSecurityDecompressionBomb(t *testing.T) {
	if os.Getenv("MAIPROBE_BOMB_CHILD") != "" {
		return // the child's own run of the parent; see bombChild
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc/self/status to measure peak memory")
	}
	dir := t.TempDir()
	frame := bombFrame(t, 1<<30)
	t.Logf("a zstd frame of 1 GB of zeros is %d KB", len(frame)>>10)

	// The export: a valid one-player file whose one page is the bomb.
	f := exportFile{Format: exportFormat, Version: exportVersion, ExportedAt: testNow, Players: []exportPlayer{{
		Name: "mallory", CreatedAt: testNow.Add(-time.Hour),
		Pages: []exportPage{{SHA256: strings.Repeat("0", 64), Kind: "record", Region: "cn", SourceName: "bomb.html",
			Size: 1 << 30, ObservedAt: testNow.Add(-time.Hour), ImportedAt: testNow.Add(-time.Hour), Compression: "zstd", Data: frame}},
	}}}
	exp := filepath.Join(dir, "bomb.json")
	if err := os.WriteFile(exp, encode(t, f), 0o644); err != nil {
		t.Fatal(err)
	}
	// The same file claiming a small size: the limit holds while decoding,
	// not only on the size the file states.
	f.Players[0].Pages[0].Size = 1000
	lying := filepath.Join(dir, "lying.json")
	if err := os.WriteFile(lying, encode(t, f), 0o644); err != nil {
		t.Fatal(err)
	}
	// A file of many pages that each decompress a lot, posted eight times
	// at once (the review's "1.1 GB from eight 488 KB requests"): 12 pages
	// of 4 MB, each a 64 KB random block repeated (a ratio of about 60,
	// within the limit), under distinct sha256s.
	many := exportFile{Format: exportFormat, Version: exportVersion, ExportedAt: testNow,
		Players: []exportPlayer{{Name: "mallory", CreatedAt: testNow.Add(-time.Hour)}}}
	block := make([]byte, 64<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range block {
		block[i] = byte(rng.Uint32())
	}
	for i := range 12 {
		page := bytes.Repeat(block, 64)
		page[0] = byte(i)
		sum := sha256.Sum256(page)
		many.Players[0].Pages = append(many.Players[0].Pages, exportPage{SHA256: hex.EncodeToString(sum[:]), Kind: "record", Region: "cn",
			SourceName: fmt.Sprintf("p%d.html", i), Size: int64(len(page)), ObservedAt: testNow.Add(-time.Hour),
			ImportedAt: testNow.Add(-time.Hour), Compression: "zstd", Data: zstdOf(t, page)})
	}
	manyFile := filepath.Join(dir, "many.json")
	if err := os.WriteFile(manyFile, encode(t, many), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ mode, file string }{{"restore", exp}, {"restore", lying}, {"reparse", ""}, {"concurrent", manyFile}} {
		t.Run(tc.mode+filepath.Base(tc.file), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestSecurityBombChild$", "-test.v")
			cmd.Env = append(os.Environ(), "MAIPROBE_BOMB_CHILD="+tc.mode, "MAIPROBE_BOMB_FILE="+tc.file,
				"MAIPROBE_BOMB_DB="+filepath.Join(t.TempDir(), "a.db"), "MAIPROBE_BOMB_FRAME="+writeFrame(t, frame))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			var rss int64
			for _, line := range strings.Split(string(out), "\n") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(line), "peak-rss "); ok {
					rss, _ = strconv.ParseInt(v, 10, 64)
				}
			}
			t.Logf("peak RSS %d MB", rss>>20)
			if rss == 0 || rss > 100<<20 { // the issue asks for under 300 MB; about 25 MB is normal
				t.Errorf("peak RSS %d MB, want under 100 MB\n%s", rss>>20, out)
			}
		})
	}
}

func writeFrame(t *testing.T, frame []byte) string {
	p := filepath.Join(t.TempDir(), "frame.zst")
	if err := os.WriteFile(p, frame, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func zstdOf(t testing.TB, b []byte) []byte {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(b, nil)
}

// TestSecurityBombShapes: a page repeated in one file, a page that would
// unpack far more than pages do, and a file whose pages together would.
func TestSecurityBombShapes(t *testing.T) {
	ctx := context.Background()
	zero := make([]byte, 4<<20)
	sum := sha256.Sum256(zero)
	pg := exportPage{SHA256: hex.EncodeToString(sum[:]), Kind: "record", Region: "cn", SourceName: "zeros.html",
		Size: int64(len(zero)), ObservedAt: testNow.Add(-time.Hour), ImportedAt: testNow.Add(-time.Hour), Compression: "zstd", Data: zstdOf(t, zero)}
	noise := make([]byte, 10<<10)
	for i := range noise {
		noise[i] = byte(i * 7919 >> 3)
	}
	nsum := sha256.Sum256(noise)
	small := pg
	small.SHA256, small.Size, small.Data = hex.EncodeToString(nsum[:]), int64(len(noise)), zstdOf(t, noise)
	file := func(pages ...exportPage) []byte {
		return encode(t, exportFile{Format: exportFormat, Version: exportVersion, ExportedAt: testNow,
			Players: []exportPlayer{{Name: "mallory", CreatedAt: testNow.Add(-time.Hour), Pages: pages}}})
	}
	a := openDB(t, "sqlite")
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"a page of zeros", file(pg), "times (a decompression bomb?)"},
		{"one page twice", file(small, small), "in the file twice"},
	} {
		res := a.Import(ctx, "mallory", Source{Name: tc.name, Data: tc.data})
		if res.Status != Rejected || !strings.Contains(res.Err.Error(), tc.want) {
			t.Errorf("%s: %s %v, want rejected with %q", tc.name, res.Status, res.Err, tc.want)
		}
	}
	if c := rowCounts(t, a); c["pages"] != 0 {
		t.Errorf("%d pages stored", c["pages"])
	}
}

// TestSecurityBombChild is the child process of
// TestSecurityDecompressionBomb; it does nothing in a normal run.
func TestSecurityBombChild(t *testing.T) {
	mode := os.Getenv("MAIPROBE_BOMB_CHILD")
	if mode == "" {
		t.Skip("run by TestSecurityDecompressionBomb")
	}
	ctx := context.Background()
	a, err := Open(ctx, os.Getenv("MAIPROBE_BOMB_DB"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	switch mode {
	case "concurrent":
		data, err := os.ReadFile(os.Getenv("MAIPROBE_BOMB_FILE"))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				res := a.Import(ctx, fmt.Sprint("mallory", i), Source{Name: "many.json", Data: data})
				if res.Status == Rejected && !strings.Contains(res.Err.Error(), "decompression bomb") {
					t.Errorf("restore %d: %v", i, res.Err)
				}
			})
		}
		wg.Wait()
	case "restore":
		data, err := os.ReadFile(os.Getenv("MAIPROBE_BOMB_FILE"))
		if err != nil {
			t.Fatal(err)
		}
		res := a.Import(ctx, "mallory", Source{Name: "bomb.json", Data: data})
		if res.Status != Rejected || !strings.Contains(res.Err.Error(), "page limit") {
			t.Fatalf("the bomb export: %s %v, want rejected over the page limit", res.Status, res.Err)
		}
		if c := rowCounts(t, a); c["pages"] != 0 {
			t.Fatalf("the bomb stored %d pages", c["pages"])
		}
	case "reparse":
		// A bomb stored before restores were bounded.
		frame, err := os.ReadFile(os.Getenv("MAIPROBE_BOMB_FRAME"))
		if err != nil {
			t.Fatal(err)
		}
		err = a.db.Update(ctx, func(tx *storage.Tx) error {
			pid, err := tx.EnsurePlayer(ctx, "mallory", testNow)
			if err != nil {
				return err
			}
			_, err = tx.InsertPage(ctx, &storage.Page{PlayerID: pid, SHA256: strings.Repeat("0", 64), Kind: "record", Region: "cn",
				Name: "bomb.html", Size: 1000, ObservedAt: testNow, ImportedAt: testNow, Compression: "zstd", Data: frame})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// The bomb is refused like any page that cannot be read again:
		// named, with the reparse refused as a whole.
		rep, err := a.Reparse(ctx, "mallory")
		if !errors.Is(err, ErrUnreadable) || len(rep.Failed) != 1 || !strings.Contains(rep.Failed[0].Err.Error(), "page limit") {
			t.Fatalf("reparse of a stored bomb: %v %+v, want it refused over the page limit", err, rep.Failed)
		}
	}
	fmt.Printf("peak-rss %d\n", peakRSS(t))
}

// TestSecurityOtherPlayersPages: a page of another in-game player is
// refused (nothing written) with a message naming both; a new player
// name takes it.
func TestSecurityOtherPlayersPages(t *testing.T) {
	ctx := context.Background()
	a := openDB(t, "sqlite")
	intlHome := &dxnet.HomePage{Header: dxnet.Header{Kind: dxnet.KindHome, Region: maimai.Intl}, Profile: dxnet.Profile{Name: "ＭＩＮＴＹ", Rating: 9638}}
	mustImport(t, a, "minty", "home.html", intlHome, Added)
	cnRecord := window(0, 50) // another player's CN record page
	before := rowCounts(t, a)
	res := a.importPage(ctx, "minty", source(t, "record-cn.html", cnRecord), cnRecord)
	if res.Status != Rejected || !errors.Is(res.Err, ErrIdentity) ||
		!strings.Contains(res.Err.Error(), "a cn player") || !strings.Contains(res.Err.Error(), "ＭＩＮＴＹ") {
		t.Fatalf("a CN record page for an intl player: %s %v, want refused naming both", res.Status, res.Err)
	}
	if after := rowCounts(t, a); !maps.Equal(before, after) {
		t.Errorf("the refused page changed the archive: %v → %v", before, after)
	}
	// Another name of the same region: refused, unless it is a rename.
	other := &dxnet.HomePage{Header: dxnet.Header{Kind: dxnet.KindHome, Region: maimai.Intl}, Profile: dxnet.Profile{Name: "ＲＩＮ", Rating: 100}}
	if res := mustImport(t, a, "minty", "home-rin.html", other, Rejected); !strings.Contains(res.Err.Error(), "--renamed") {
		t.Errorf("another name: %v, want the --renamed hint", res.Err)
	}
	renamed := a.importParsed(ctx, source(t, "home-rin.html", other), other, ImportOptions{Player: "minty", Renamed: true})
	if renamed.Status != Added {
		t.Fatalf("a confirmed rename: %s %v", renamed.Status, renamed.Err)
	}
	// Both names are the player's now, and the CN page goes to a new player.
	mustImport(t, a, "minty", "home-again.html", &dxnet.HomePage{Header: dxnet.Header{Kind: dxnet.KindHome, Region: maimai.Intl},
		Profile: dxnet.Profile{Name: "ＭＩＮＴＹ", Rating: 9700}}, Added)
	mustImport(t, a, "schwi", "record-cn.html", cnRecord, Added)

	// A friend code decides: another code is another player, whatever
	// the name; the same code is the same player under a new name.
	code := func(name, fc string) *dxnet.FriendCodePage {
		return &dxnet.FriendCodePage{Header: dxnet.Header{Kind: dxnet.KindFriendCode, Region: maimai.CN}, Profile: dxnet.Profile{Name: name}, FriendCode: fc}
	}
	mustImport(t, a, "schwi", "fc.html", code("ＳＣＨＷＩ", "111"), Added)
	mustImport(t, a, "schwi", "fc-other.html", code("ＳＣＨＷＩ", "222"), Rejected)
	mustImport(t, a, "schwi", "fc-renamed.html", code("ＳＣＨＷＩ２", "111"), Added)
}

// TestSecurityAutoRoutes: with Auto each page goes to the player of its
// in-game identity; pages that show no name go to the one player of their
// region, and are refused when there are several.
func TestSecurityAutoRoutes(t *testing.T) {
	ctx := context.Background()
	a := openDB(t, "sqlite")
	auto := ImportOptions{Auto: true}
	home := func(region maimai.Region, name string) *dxnet.HomePage {
		return &dxnet.HomePage{Header: dxnet.Header{Kind: dxnet.KindHome, Region: region}, Profile: dxnet.Profile{Name: name, Rating: 1}}
	}
	imp := func(name string, p dxnet.Page, want Status) Result {
		t.Helper()
		res := a.importParsed(ctx, source(t, name, p), p, auto)
		if res.Status != want {
			t.Fatalf("%s: %s %v, want %s", name, res.Status, res.Err, want)
		}
		return res
	}
	if r := imp("cn-a.html", home(maimai.CN, "ＡＬＩＣＥ"), Added); r.Player != "ALICE" {
		t.Errorf("first CN player went to %q, want ALICE", r.Player)
	}
	if r := imp("record.html", window(0, 10), Added); r.Player != "ALICE" {
		t.Errorf("a CN record page with one CN player went to %q", r.Player)
	}
	if r := imp("intl.html", home(maimai.Intl, "ＡＬＩＣＥ"), Added); r.Player != "ALICE-intl" {
		t.Errorf("the intl ＡＬＩＣＥ went to %q, want a player of her own", r.Player)
	}
	if r := imp("cn-b.html", home(maimai.CN, "ＢＯＢ"), Added); r.Player != "BOB" {
		t.Errorf("BOB went to %q", r.Player)
	}
	r := imp("record-2.html", window(10, 20), Rejected)
	if !errors.Is(r.Err, ErrIdentity) || !strings.Contains(r.Err.Error(), "several cn players") {
		t.Errorf("a nameless CN page with two CN players: %v", r.Err)
	}
	// The folder's player settles it.
	withFolder := auto
	withFolder.Folders = func(r maimai.Region) dxnet.Owner {
		if r == maimai.CN {
			return dxnet.Owner{Region: maimai.CN, Name: "ＢＯＢ"}
		}
		return dxnet.Owner{}
	}
	p := window(10, 20)
	if r := a.importParsed(ctx, source(t, "bob/record.html", p), p, withFolder); r.Status != Added || r.Player != "BOB" {
		t.Errorf("a nameless page in BOB's folder: %s %q %v", r.Status, r.Player, r.Err)
	}
	// A login's own players only: never a new one, never someone else's.
	own := ImportOptions{Auto: true, Candidates: []string{"BOB"}}
	q := home(maimai.CN, "ＡＬＩＣＥ")
	if r := a.importParsed(ctx, source(t, "alice-again.html", q), q, own); r.Status != Rejected || !errors.Is(r.Err, ErrIdentity) {
		t.Errorf("ALICE's page through BOB's login: %s %v", r.Status, r.Err)
	}
}

// TestSecurityPlayerNames: blank, control-character and slash names were
// accepted as players (they appear in URLs and logs).
func TestSecurityPlayerNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"alice", true}, {"ＭＩＮＴＹ", true}, {"Cia~(・ω", true}, {"mai bot", true},
		{"", false}, {" ", false}, {" alice", false}, {"alice\n", false}, {"a\x00b", false}, {"a\u200bb", false},
		{"a/b", false}, {`a\b`, false}, {"..", false}, {strings.Repeat("x", MaxPlayerName+1), false}, {"\xff", false},
	} {
		err := ValidPlayerName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("ValidPlayerName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
	a := openDB(t, "sqlite")
	before := rowCounts(t, a)
	for _, name := range []string{" ", "a\x07b", "x/y"} {
		res := a.importPage(context.Background(), name, source(t, "r.html", window(0, 3)), window(0, 3))
		if res.Status != Rejected || !errors.Is(res.Err, ErrPlayerName) {
			t.Errorf("import for player %q: %s %v", name, res.Status, res.Err)
		}
	}
	if after := rowCounts(t, a); !maps.Equal(before, after) {
		t.Errorf("bad names changed the archive: %v → %v", before, after)
	}
}

// exportFileOf imports testdata pages into a fresh archive's player and
// exports that player.
func exportFileOf(t *testing.T, player string, pages ...string) exportFile {
	t.Helper()
	a := openDB(t, "sqlite")
	a.now = func() time.Time { return pagesNow }
	for _, p := range pages {
		if res := a.Import(context.Background(), player, parserPage(t, p)); res.Status == Rejected {
			t.Fatalf("import %s: %v", p, res.Err)
		}
	}
	return exportOf(t, a, player)
}

// TestSecurityRestoreChecksItsPages is the review's bypass: an export of
// another in-game player with its stated regions and names edited went
// into a bound player, and reparse then derived the other player's rows
// from the stored bytes. The pages themselves are read at restore now.
func TestSecurityRestoreChecksItsPages(t *testing.T) {
	ctx := context.Background()
	f := exportFileOf(t, "rin", "home-intl-2025.html", "photo-intl-album.html")
	ep := &f.Players[0]
	for i := range ep.Pages {
		ep.Pages[i].Region = "cn"
	}
	for i := range ep.Snapshots {
		ep.Snapshots[i].Region, ep.Snapshots[i].Name = "cn", "ＹＧＺＺ"
	}
	for i := range ep.Photos {
		ep.Photos[i].Region = "cn"
	}
	ep.Identity = nil
	a := openDB(t, "sqlite")
	a.now = func() time.Time { return pagesNow }
	if res := a.Import(ctx, "ygzz", parserPage(t, "home-cn-2020.html")); res.Status != Added {
		t.Fatal(res.Err)
	}
	before := rowCounts(t, a)
	res := a.Import(ctx, "ygzz", Source{Name: "lie.json", Data: encode(t, f)})
	if res.Status != Rejected || !strings.Contains(res.Err.Error(), "says it is a home page (cn), but it is a home page (intl)") {
		t.Fatalf("an intl export relabelled cn: %s %v", res.Status, res.Err)
	}
	if after := rowCounts(t, a); !maps.Equal(before, after) {
		t.Errorf("the refused export wrote rows: %v → %v", before, after)
	}
}

// TestSecurityRestoreSnapshotData: the web shows a snapshot's data, not
// its columns; an export whose data says rating 999999 and -7 stars (the
// columns untouched) is refused.
func TestSecurityRestoreSnapshotData(t *testing.T) {
	f := exportFileOf(t, "ygzz", "home-cn-2020.html")
	f.Players[0].Snapshots[0].Data = json.RawMessage(`{"name":"ＳＯＭＥＯＮＥ","rating":999999,"stars":-7}`)
	a := openDB(t, "sqlite")
	a.now = func() time.Time { return pagesNow }
	res := a.Import(context.Background(), "ygzz", Source{Name: "snap.json", Data: encode(t, f)})
	if res.Status != Rejected || !strings.Contains(res.Err.Error(), "snapshot 1") {
		t.Fatalf("tampered snapshot data: %s %v", res.Status, res.Err)
	}
}

// TestExportKeepsIdentity: the bound identity (region, names, friend code)
// goes through an export and back; a file of a player with confirmed
// renames restores them, one of two unconfirmed names does not.
func TestExportKeepsIdentity(t *testing.T) {
	ctx := context.Background()
	f := exportFileOf(t, "kohaku", "friendCode-intl-2025.html")
	if f.Players[0].Identity == nil || f.Players[0].Identity.FriendCode == "" {
		t.Fatalf("the export has no identity: %+v", f.Players[0].Identity)
	}
	a := openDB(t, "sqlite")
	a.now = func() time.Time { return pagesNow }
	if res := a.Import(ctx, "kohaku", Source{Name: "k.json", Data: encode(t, f)}); res.Status != Added {
		t.Fatal(res.Err)
	}
	ids, err := a.Identities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if id.Player == "kohaku" && (id.FriendCode != f.Players[0].Identity.FriendCode || id.Region != "intl") {
			t.Errorf("restored identity %+v, want %+v", id, f.Players[0].Identity)
		}
	}
	// Two names in a file that does not say they are one player's.
	two := exportFileOf(t, "mix", "home-cn-2020.html")
	extra := two.Players[0].Snapshots[0]
	extra.Name, extra.ObservedAt, extra.Digest = "ｍａｉｍａｉ", extra.ObservedAt.Add(time.Hour), "other"
	extra.Data = json.RawMessage(strings.Replace(string(extra.Data), "ＹＧＺＺ", "ｍａｉｍａｉ", 1))
	two.Players[0].Snapshots = append(two.Players[0].Snapshots, extra)
	two.Players[0].Identity = nil
	b := openDB(t, "sqlite")
	b.now = func() time.Time { return pagesNow }
	if res := b.Import(ctx, "fresh", Source{Name: "two.json", Data: encode(t, two)}); res.Status != Rejected || !strings.Contains(res.Err.Error(), "several in-game names") {
		t.Errorf("two unconfirmed names into a fresh player: %s %v", res.Status, res.Err)
	}
	two.Players[0].Identity = &exportedIdentity{Region: "cn", Names: []string{"ＹＧＺＺ", "ｍａｉｍａｉ"}}
	if res := b.Import(ctx, "fresh", Source{Name: "two.json", Data: encode(t, two)}); res.Status != Added {
		t.Errorf("two names the file's identity confirms: %s %v", res.Status, res.Err)
	}
}

// TestAutoRoutesExports: with --player auto an export goes to the player of
// its in-game identity, not to a second player of the file's name.
func TestAutoRoutesExports(t *testing.T) {
	ctx := context.Background()
	f := exportFileOf(t, "default", "home-intl-2025.html")
	a := openDB(t, "sqlite")
	a.now = func() time.Time { return pagesNow }
	if res := a.Import(ctx, "rin", parserPage(t, "home-intl-2025.html")); res.Status != Added {
		t.Fatal(res.Err)
	}
	res := a.ImportWith(ctx, Source{Name: "e.json", Data: encode(t, f)}, ImportOptions{Auto: true})
	if res.Status == Rejected || res.Player != "rin" {
		t.Fatalf("auto restore went to %q: %s %v, want rin", res.Player, res.Status, res.Err)
	}
}

// TestLegacyPlayerNames: a player made before names were checked ("Tom ")
// still takes pages; only new players' names are checked.
func TestLegacyPlayerNames(t *testing.T) {
	ctx := context.Background()
	a := openDB(t, "sqlite")
	a.now = func() time.Time { return pagesNow }
	err := a.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.EnsurePlayer(ctx, "Tom ", pagesNow)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if res := a.Import(ctx, "Tom ", parserPage(t, "home-cn-2020.html")); res.Status != Added {
		t.Errorf("the old player %q: %s %v", "Tom ", res.Status, res.Err)
	}
	if res := a.Import(ctx, "Ann ", parserPage(t, "home-cn-2020.html")); res.Status != Rejected || !errors.Is(res.Err, ErrPlayerName) {
		t.Errorf("a new player %q: %s %v", "Ann ", res.Status, res.Err)
	}
	if err := ValidPlayerName(AutoPlayer); err == nil {
		t.Error(`"auto" is accepted as a player name`)
	}
}
