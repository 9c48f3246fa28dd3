package archive

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
	"github.com/maiprobe/maiprobe/internal/storage/storagetest"
)

// A file of another tool binds the player's region as a page does, and
// every path agrees: diving-fish and Lxns files are CN; Tachi, mai-tools
// and DXRating files take the player's region, or the one the importer
// names when the player has none, and are refused when nobody says.
func TestForeignRegion(t *testing.T) {
	for _, db := range storagetest.Databases {
		t.Run(db, func(t *testing.T) { testForeignRegion(t, openDB(t, db)) })
	}
}

func testForeignRegion(t *testing.T, a *Archive) {
	ctx := context.Background()
	region := func(player string) string {
		t.Helper()
		var id storage.Identity
		if err := a.db.View(ctx, func(tx *storage.Tx) error {
			pid, err := tx.PlayerID(ctx, player)
			if err != nil {
				return err
			}
			id, err = tx.PlayerIdentity(ctx, pid)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(id.Names) > 0 || id.FriendCode != "" {
			t.Errorf("%s: a file bound the in-game name or friend code: %+v", player, id)
		}
		return id.Region
	}
	imp := func(player, file string, r maimai.Region) Result {
		t.Helper()
		src := Source{Name: file, ObservedAt: testNow.Add(-time.Hour),
			// Tachi scores by title: the testdata file also has one by
			// inGameID, which needs song data.
			Data: []byte(`{"meta":{"game":"maimaidx","playtype":"Single","service":"x"},"scores":[` +
				`{"percent":100.5432,"lamp":"FULL COMBO+","matchType":"songTitle","identifier":"群青シグナル","difficulty":"DX Master","timeAchieved":1714566660000}]}`)}
		if file != "tachi" {
			src = foreignFile(t, file)
		}
		return a.ImportWith(ctx, src, ImportOptions{Player: player, Region: r})
	}

	// A diving-fish file binds a new player to CN; a Tachi file then takes
	// the player's CN; an intl page is another player's.
	if res := imp("cn", "divingfish-records.json", ""); res.Status != Added || res.Region != maimai.CN {
		t.Fatalf("diving-fish into a new player: %s %v", res.Status, res.Err)
	}
	if got := region("cn"); got != "cn" {
		t.Errorf("after a diving-fish file the player's region is %q, want cn", got)
	}
	if res := imp("cn", "tachi", ""); res.Status != Added || res.Region != maimai.CN {
		t.Errorf("tachi into a CN player: %s %v", res.Status, res.Err)
	}
	intl := &dxnet.HomePage{Header: dxnet.Header{Kind: dxnet.KindHome, Region: maimai.Intl}, Profile: dxnet.Profile{Name: "ＡＬＩＣＥ", Rating: 12000}}
	if res := a.importPage(ctx, "cn", Source{Name: "home.html", Data: []byte("intl home"), ObservedAt: testNow}, intl); res.Status != Rejected || !errors.Is(res.Err, ErrIdentity) {
		t.Errorf("intl page into the CN player: %s %v", res.Status, res.Err)
	}

	// A Tachi file into a player of no region: refused until the importer
	// names one, then it binds it.
	before := rowCounts(t, a)
	if res := imp("jp", "tachi", ""); res.Status != Rejected || !errors.Is(res.Err, ErrNeedRegion) || !strings.Contains(res.Err.Error(), "--region") {
		t.Errorf("tachi into a new player, no region: %s %v", res.Status, res.Err)
	}
	if after := rowCounts(t, a); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("a refused file wrote rows: %v → %v", before, after)
	}
	if res := imp("jp", "maitools.tsv", "xx"); res.Status != Rejected || res.Err == nil {
		t.Errorf("region xx: %s %v", res.Status, res.Err)
	}
	if res := imp("jp", "tachi", maimai.JP); res.Status != Added || res.Region != maimai.JP {
		t.Fatalf("tachi with --region jp: %s %v", res.Status, res.Err)
	}
	if got := region("jp"); got != "jp" {
		t.Errorf("after a tachi file with region jp the player's region is %q", got)
	}
	if res := imp("jp", "dxrating.json", ""); res.Status != Added || res.Region != maimai.JP {
		t.Errorf("dxrating into the JP player: %s %v", res.Status, res.Err)
	}
	for _, c := range []struct {
		file string
		r    maimai.Region
	}{
		{"lxns-scores.json", ""},            // CN scores into a JP player
		{"maitools.tsv", maimai.Intl},       // the import says intl, the player is JP
		{"divingfish.csv", maimai.JP},       // the import says JP, the file is CN
		{"divingfish-records.json", "intl"}, // the same into a new player
	} {
		player := "jp"
		if c.file == "divingfish-records.json" {
			player = "new"
		}
		if res := imp(player, c.file, c.r); res.Status != Rejected || !errors.Is(res.Err, ErrIdentity) {
			t.Errorf("%s (region %q) into %s: %s %v", c.file, c.r, player, res.Status, res.Err)
		}
	}
}

// Records pass the rules of a page's score when the archive checks them,
// whatever let them through (a reader, or a file stored by an older
// maiprobe and read again by reparse).
func TestForeignPageRules(t *testing.T) {
	now := testNow
	rec := func(mod func(*interchange.Record)) interchange.File {
		r := interchange.Record{Score: maimai.Score{Chart: maimai.Chart{Title: "A", Type: maimai.DX, Difficulty: maimai.Master},
			Played: true, Achievement: 995000, Rank: maimai.RankOf(995000)}}
		mod(&r)
		return interchange.File{Format: interchange.LxnsJSON, Records: []interchange.Record{r}}
	}
	for name, f := range map[string]interchange.File{
		"AP+ at 10%":      rec(func(r *interchange.Record) { r.FC, r.Achievement, r.Rank = maimai.APP, 100000, maimai.RankOf(100000) }),
		"year 1":          rec(func(r *interchange.Record) { r.AchievedAt = time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC) }),
		"rank mismatch":   rec(func(r *interchange.Record) { r.Rank = maimai.Rank("sssp") }),
		"no title, no id": rec(func(r *interchange.Record) { r.Title = "" }),
	} {
		if err := checkForeign(f, now); !errors.Is(err, ErrMisparsed) {
			t.Errorf("%s: %v, want ErrMisparsed", name, err)
		}
	}
	if err := checkForeign(rec(func(r *interchange.Record) { r.Title, r.SongID = "", 11311 }), now); err != nil {
		t.Errorf("a record named by its song id only (Tachi inGameID): %v", err)
	}
}

// Hostile text is refused by the reader before any database sees it, on
// every database (PostgreSQL refuses a NUL in text with a raw driver
// error), and a file past the 64 KiB the detectors read imports whole.
func TestForeignHostileText(t *testing.T) {
	for _, db := range storagetest.Databases {
		t.Run(db, func(t *testing.T) {
			a := openDB(t, db)
			ctx := context.Background()
			before := rowCounts(t, a)
			for _, title := range []string{`"A\u0000\u202e"`, "\"A\xffB\"", `"A\udc00"`} {
				src := Source{Name: "df.json", ObservedAt: testNow.Add(-time.Hour),
					Data: []byte(`[{"title":` + title + `,"type":"DX","level_index":3,"achievements":99.5,"dxScore":1000}]`)}
				res := a.ImportWith(ctx, src, ImportOptions{Player: "cn"})
				if res.Status != Rejected || !errors.Is(res.Err, interchange.ErrBadFile) {
					t.Errorf("title %q: %s %v", title, res.Status, res.Err)
				}
			}
			if after := rowCounts(t, a); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("refused files wrote rows: %v → %v", before, after)
			}
			var recs []string
			for i := range 2000 {
				recs = append(recs, fmt.Sprintf(`{"title":"曲 %d","type":"DX","level_index":3,"achievements":99.5,"dxScore":1000,"fc":"","fs":"","ds":12.5,"level":"12+","rate":"ssp"}`, i))
			}
			big := Source{Name: "records.json", ObservedAt: testNow.Add(-time.Hour),
				Data: []byte(`{"username":"u","records":[` + strings.Join(recs, ",") + `]}`)}
			if res := a.ImportWith(ctx, big, ImportOptions{Player: "cn"}); res.Status != Added || res.Added.Scores != 2000 {
				t.Errorf("a %d-byte diving-fish file: %s %+v %v", len(big.Data), res.Status, res.Added, res.Err)
			}
		})
	}
}
