package songs

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

func TestParseConstant(t *testing.T) {
	tests := []struct {
		in      string
		want    Constant
		wantErr bool
	}{
		{"13.7", 137, false},
		{"13", 130, false},
		{"13.70", 137, false},
		{"14.9", 149, false},
		{"15.0", 150, false},
		{"1.0", 10, false},
		{"0.1", 1, false},
		{".5", 5, false},
		{"1.37e1", 137, false},
		{"137E-1", 137, false},
		{" 12.6 ", 126, false},
		{"13.75", 0, true}, // two decimals: not a constant
		{"0", 0, true},
		{"-13.7", 0, true},
		{"20.1", 0, true},
		{"abc", 0, true},
		{"", 0, true},
		{"1e9", 0, true},
		{"13.7.1", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseConstant(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseConstant(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseConstant(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

// TestParseConstantEveryTenth checks the values float64 rounding breaks
// (x.7 × 10 is not x7 in binary floating point for many x).
func TestParseConstantEveryTenth(t *testing.T) {
	for v := 10; v <= 150; v++ {
		s := Constant(v).String()
		got, err := ParseConstant(s)
		if err != nil || got != Constant(v) {
			t.Errorf("ParseConstant(%q) = %d, %v; want %d", s, got, err, v)
		}
	}
}

func TestConstantString(t *testing.T) {
	for _, tt := range []struct {
		c          Constant
		str, jsonv string
	}{{137, "13.7", "13.7"}, {150, "15.0", "15.0"}, {UnknownConstant, "?", "null"}, {10, "1.0", "1.0"}} {
		b, err := json.Marshal(tt.c)
		if tt.c.String() != tt.str || err != nil || string(b) != tt.jsonv {
			t.Errorf("Constant(%d) = %q, JSON %s (%v); want %q, %s", tt.c, tt.c.String(), b, err, tt.str, tt.jsonv)
		}
	}
}

func TestFoldTitle(t *testing.T) {
	tests := []struct{ a, b string }{
		{"天狗の落とし文 feat. ｙｔｒ", "天狗の落とし文 feat. ytr"},
		{"Got more raves？", "Got more raves?"},
		{"D✪N’T  ST✪P  R✪CKIN’", "D✪N'T ST✪P R✪CKIN'"},
		{"Excalibur ～Revived resolution～", "Excalibur 〜Revived resolution〜"},
		{"チルノのパーフェクトさんすう教室\u3000⑨周年バージョン", "チルノのパーフェクトさんすう教室 9周年バージョン"},
		{"\u3000", " "},
		{"\u3000", "\u3000\u3000"},
		{"LINK", "Link"},
		{"Ｌｉｎｋ", "Link"},
	}
	for _, tt := range tests {
		t.Run(tt.a, func(t *testing.T) {
			if fa, fb := foldTitle(tt.a), foldTitle(tt.b); fa != fb {
				t.Errorf("foldTitle(%q) = %q, foldTitle(%q) = %q; want equal", tt.a, fa, tt.b, fb)
			}
		})
	}
	if foldTitle("") != "" || foldTitle("\u3000") != " " {
		t.Errorf(`foldTitle("") = %q, foldTitle("　") = %q; want "" and " "`, foldTitle(""), foldTitle("\u3000"))
	}
	if foldTitle("Link") == foldTitle("Link(CoF)") {
		t.Error("foldTitle must not fold the two Link titles together; the alias table does")
	}
}

func TestUtagePrefix(t *testing.T) {
	tests := []struct {
		in, kind, base string
		ok             bool
	}{
		{"[協]疾走あんさんぶる", "協", "疾走あんさんぶる", true},
		{"［宴］CYCLES", "宴", "CYCLES", true},
		{"[宴]セガサターン起動音[H.][Remix]", "宴", "セガサターン起動音[H.][Remix]", true},
		{"[X]", "", "[X]", false}, // a real song's whole title
		{"Link", "", "Link", false},
		{"[ab]c", "", "[ab]c", false},
	}
	for _, tt := range tests {
		kind, base, ok := utagePrefix(tt.in)
		if kind != tt.kind || base != tt.base || ok != tt.ok {
			t.Errorf("utagePrefix(%q) = %q, %q, %v; want %q, %q, %v", tt.in, kind, base, ok, tt.kind, tt.base, tt.ok)
		}
	}
}

func TestGenreKey(t *testing.T) {
	tests := []struct{ name, want string }{
		{"舞萌", "maimai"}, {"maimai", "maimai"},
		{"流行&动漫", "pops"}, {"POPS＆アニメ", "pops"}, {"POPS＆ANIME", "pops"},
		{"niconico & VOCALOID", "niconico"}, {"niconico＆ボーカロイド", "niconico"}, {"niconico＆VOCALOID™", "niconico"},
		{"东方Project", "touhou"}, {"東方Project", "touhou"},
		{"其他游戏", "game"}, {"ゲーム＆バラエティ", "game"}, {"GAME＆VARIETY", "game"},
		{"音击&中二节奏", "ongeki"}, {"音击/中二节奏", "ongeki"}, {"オンゲキ＆CHUNITHM", "ongeki"},
		{"宴会場", "utage"}, {"宴会场", "utage"},
		{"jazz", ""}, {"", ""},
	}
	for _, tt := range tests {
		if got := GenreKey(tt.name); got != tt.want {
			t.Errorf("GenreKey(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// openTestdata loads one of the synthetic data files under testdata/.
func openTestdata(t testing.TB, name string, region maimai.Region) *Database {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	db, err := Load(f, region)
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	return db
}

// sharedDB loads one of the song data files in ../shared/data/songs, or
// skips the test when ../shared is not beside the repository.
func sharedDB(t testing.TB, name string, region maimai.Region) *Database {
	t.Helper()
	f, err := os.Open(fixtures.Shared(t, "data/songs/"+name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	db, err := Load(f, region)
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	return db
}
