package rating

import (
	"slices"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

func chart(title string, typ maimai.ChartType, d maimai.Difficulty, v Version) PlateChart {
	return PlateChart{Key: Key{Chart: maimai.Chart{Title: title, Type: typ, Difficulty: d}}, Version: v}
}

func keyTitles(ks []Key) []string {
	var out []string
	for _, k := range ks {
		out = append(out, k.Title+"/"+string(k.Difficulty))
	}
	return out
}

func TestPlateKinds(t *testing.T) {
	for _, tt := range []struct {
		kind PlateKind
		b    Best
		want bool
	}{
		{Sho, Best{Achievement: 1000000}, true},
		{Sho, Best{Achievement: 999999}, false},
		{Kiwami, Best{FC: maimai.FCN}, true},
		{Kiwami, Best{FC: maimai.APP}, true},
		{Kiwami, Best{FC: maimai.NoFC, Achievement: 1010000}, false},
		{Shin, Best{FC: maimai.AP}, true},
		{Shin, Best{FC: maimai.FCP}, false},
		{MaiMai, Best{FS: maimai.FSD}, true},
		{MaiMai, Best{FS: maimai.FSDP}, true},
		{MaiMai, Best{FS: maimai.FSP}, false},
		{Hasha, Best{Achievement: 800000}, true},
		{Hasha, Best{Achievement: 799999}, false},
		{"?", Best{Achievement: 1010000, FC: maimai.APP, FS: maimai.FSDP}, false},
	} {
		if got := tt.kind.Met(tt.b); got != tt.want {
			t.Errorf("%s.Met(%+v) = %v, want %v", tt.kind, tt.b, got, tt.want)
		}
	}
}

func TestPlateProgress(t *testing.T) {
	charts := []PlateChart{
		chart("s1", maimai.Std, maimai.Basic, Maimai),
		chart("s1", maimai.Std, maimai.Master, Maimai),
		chart("s1", maimai.Std, maimai.ReMaster, Maimai),
		chart("s2", maimai.Std, maimai.Master, MaimaiPlus),
		chart("s3", maimai.Std, maimai.Master, Finale),
		chart("d1", maimai.DX, maimai.Master, Maimai), // a DX chart of an old song
		chart("b1", maimai.DX, maimai.Expert, Buddies),
		chart("b2", maimai.DX, maimai.Master, BuddiesPlus),
		chart("b3", maimai.DX, maimai.ReMaster, BuddiesPlus),
		chart("b4", maimai.Std, maimai.Master, Buddies),
		chart("p1", maimai.DX, maimai.Master, PrismPlus),
		chart("u1", maimai.DX, maimai.Utage, Buddies),
	}
	gone := chart("b5", maimai.DX, maimai.Master, Buddies)
	gone.Removed = true
	charts = append(charts, gone)
	bests := []Best{
		{Key: charts[0].Key, Achievement: 1005000, FC: maimai.AP},
		{Key: charts[1].Key, Achievement: 1000000, FC: maimai.FCN},
		{Key: charts[2].Key, Achievement: 990000, FC: maimai.APP},
		{Key: charts[3].Key, Achievement: 850000},
		{Key: charts[6].Key, Achievement: 1003000, FS: maimai.FSD},
		{Key: charts[7].Key, Achievement: 1000500, FS: maimai.FSN},
		{Key: charts[8].Key, Achievement: 970000},
	}
	for _, tt := range []struct {
		region    maimai.Region
		prefix    string
		kind      PlateKind
		name      string
		done      []string
		remaining []string
	}{
		{maimai.CN, "真", Sho, "真将", []string{"s1/basic", "s1/master"}, []string{"s2/master"}},
		{maimai.CN, "真", Kiwami, "真极", []string{"s1/basic", "s1/master"}, []string{"s2/master"}},
		{maimai.JP, "真", Kiwami, "真極", []string{"s1/basic", "s1/master"}, []string{"s2/master"}},
		{maimai.CN, "真", Shin, "真神", []string{"s1/basic"}, []string{"s1/master", "s2/master"}},
		{maimai.CN, "舞", Shin, "舞神", []string{"s1/basic", "s1/remaster"}, []string{"s1/master", "s2/master", "s3/master"}},
		{maimai.CN, "霸", Hasha, "霸者", []string{"s1/basic", "s1/master", "s1/remaster", "s2/master"}, []string{"s3/master"}},
		{maimai.CN, "舞", MaiMai, "舞舞舞", nil, []string{"s1/basic", "s1/master", "s1/remaster", "s2/master", "s3/master"}},
		// CN: 双 and 宴 share 舞萌DX 2024's songs, BUDDiES PLUS ones too.
		{maimai.CN, "双", Sho, "双将", []string{"b1/expert", "b2/master"}, nil},
		{maimai.CN, "宴", MaiMai, "宴舞舞", []string{"b1/expert"}, []string{"b2/master"}},
		// JP: one plate per version.
		{maimai.JP, "双", Sho, "双将", []string{"b1/expert"}, nil},
		{maimai.JP, "宴", Sho, "宴将", []string{"b2/master"}, nil},
		{maimai.JP, "彩", Sho, "彩将", nil, []string{"p1/master"}},
		{maimai.CN, "彩", Sho, "彩将", nil, []string{"p1/master"}},
	} {
		t.Run(string(tt.region)+" "+tt.name, func(t *testing.T) {
			p, ok := FindPlate(tt.region, tt.prefix)
			if !ok {
				t.Fatalf("no plate %s in %s", tt.prefix, tt.region)
			}
			if got := p.Name(tt.kind); got != tt.name {
				t.Errorf("Name = %s, want %s", got, tt.name)
			}
			pp, err := p.Progress(tt.kind, charts, bests)
			if err != nil {
				t.Fatal(err)
			}
			if got := keyTitles(pp.Done); !slices.Equal(got, tt.done) {
				t.Errorf("done = %v, want %v", got, tt.done)
			}
			if got := keyTitles(pp.Remaining); !slices.Equal(got, tt.remaining) {
				t.Errorf("remaining = %v, want %v", got, tt.remaining)
			}
			if pp.Complete() != (len(tt.remaining) == 0) {
				t.Errorf("Complete = %v", pp.Complete())
			}
		})
	}
}

func TestPlateLists(t *testing.T) {
	p, _ := FindPlate(maimai.JP, "真")
	if _, err := p.Progress(Hasha, nil, nil); err == nil {
		t.Error("真者 exists")
	}
	for _, tt := range []struct {
		region maimai.Region
		prefix string
		ok     bool
	}{
		{maimai.JP, "華", true}, {maimai.JP, "华", false}, {maimai.CN, "华", true}, {maimai.CN, "華", false},
		{maimai.JP, "丸", true}, {maimai.CN, "丸", false}, {maimai.CN, "镜", true}, {maimai.JP, "鏡", true},
		{maimai.CN, "晓", true}, {maimai.JP, "暁", true}, {maimai.Intl, "彩", true}, {maimai.JP, "x", false},
	} {
		if _, ok := FindPlate(tt.region, tt.prefix); ok != tt.ok {
			t.Errorf("FindPlate(%s, %s) ok = %v, want %v", tt.region, tt.prefix, ok, tt.ok)
		}
	}
	// 12 pre-DX plates, 舞, then 12 CN DX plates or 13 JP ones.
	if n := len(Plates(maimai.CN)); n != 25 {
		t.Errorf("CN has %d plates, want 25", n)
	}
	if n := len(Plates(maimai.JP)); n != 26 {
		t.Errorf("JP has %d plates, want 26", n)
	}
}
