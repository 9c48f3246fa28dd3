package dxnet

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/maiprobe/maiprobe/internal/fixtures"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// parsePhotoBytes runs parsePhoto directly, past detection.
func parsePhotoBytes(t *testing.T, b []byte, r maimai.Region) (*PhotoPage, error) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	p, err := parsePhoto(doc, &Header{Kind: KindPhoto, Region: r})
	if err != nil {
		if p != nil {
			t.Fatalf("parsePhoto returned a page and an error: %v", err)
		}
		return nil, err
	}
	return p.(*PhotoPage), nil
}

func TestPhotoSynthetic(t *testing.T) {
	intl, jp, cn := maimai.Intl, maimai.JP, maimai.CN
	tests := []struct {
		file   string
		region maimai.Region
		photos []maimai.Photo
	}{
		{"photo-intl-album.html", intl, []maimai.Photo{
			{
				ImageURL: "https://maimaidx-eng.com/maimai-mobile/img/photo/2c7e9a41f0b35d68.jpg",
				TakenAt:  at(intl, 2026, 11, 22, 19, 0, 0),
				Chart:    maimai.Chart{Title: "ヴィラン", Type: maimai.DX, Difficulty: maimai.Master},
				Place:    "Round1 Sunway Pyramid",
			},
			{
				ImageURL: "https://maimaidx-eng.com/maimai-mobile/img/photo/91d0e3b7a6c42f85.jpg",
				TakenAt:  at(intl, 2026, 11, 22, 18, 52, 0),
				Chart:    maimai.Chart{Title: "[宴]Oshama Scramble! (Cranky Remix)", Type: maimai.DX, Difficulty: maimai.Utage},
				Place:    "Round1 Sunway Pyramid",
			},
			{
				ImageURL: "https://maimaidx-eng.com/maimai-mobile/img/photo/5f8a2e0c7b194d36.jpg",
				TakenAt:  at(intl, 2026, 11, 20, 21, 7, 0),
				Chart:    maimai.Chart{Title: "Garakuta Doll Play", Type: maimai.Std, Difficulty: maimai.ReMaster},
			},
		}},
		{"photo-jp-album.html", jp, []maimai.Photo{
			{
				ImageURL: "https://maimaidx.jp/maimai-mobile/img/photo/0a1b2c3d4e5f6789.jpg",
				TakenAt:  at(jp, 2026, 11, 23, 12, 31, 0),
				Chart:    maimai.Chart{Title: "Sweets & Bitter", Type: maimai.DX, Difficulty: maimai.Expert},
				Place:    "タイトーステーション 新宿南口ゲームワールド店",
			},
		}},
		// The CN album is closed: the heading and a notice, no photos.
		{"photo-cn-closed.html", cn, []maimai.Photo{}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, err := parsePhotoBytes(t, readOwnPage(t, tt.file), tt.region)
			if err != nil {
				t.Fatal(err)
			}
			if p.Kind != KindPhoto || p.Region != tt.region {
				t.Errorf("header = %+v", p.Header)
			}
			if p.Photos == nil {
				t.Error("Photos is nil, want an empty list")
			}
			if len(p.Photos) != len(tt.photos) {
				t.Fatalf("got %d photos, want %d", len(p.Photos), len(tt.photos))
			}
			for i, want := range tt.photos {
				got := p.Photos[i]
				if !got.TakenAt.Equal(want.TakenAt) {
					t.Errorf("photo %d: taken_at = %v, want %v", i+1, got.TakenAt, want.TakenAt)
				}
				got.TakenAt = want.TakenAt
				if !reflect.DeepEqual(got, want) {
					t.Errorf("photo %d:\n got %+v\nwant %+v", i+1, got, want)
				}
			}
		})
	}
}

// TestPhotoTemplate reads the 2020 CN album, from a copy of the Jinja
// template in ../shared filled in at test time.
func TestPhotoTemplate(t *testing.T) {
	page := fillTemplate(t, string(fixtures.ReadDXNet(t, "templates/cn/photo-yuange-1.html")))
	if strings.Contains(page, "{{") || strings.Contains(page, "{%") {
		t.Fatal("template placeholders left in the page")
	}
	p, err := parsePhotoBytes(t, []byte(page), maimai.CN)
	if err != nil {
		t.Fatal(err)
	}
	want := []maimai.Photo{{
		ImageURL: "https://i1.yuangezhizao.cn/maimai-archive/1.20/img/photo/user/3e1f0a9c.jpg!webp",
		TakenAt:  at(maimai.CN, 2020, 8, 15, 14, 3, 0),
		// The archive's copy puts its own id and cache time before the title.
		Chart: maimai.Chart{Title: "ID：7，缓存时间：2020-08-15 14:10:00ＰＡＲＴＮＥＲ", Type: maimai.DX, Difficulty: maimai.Master},
	}}
	if len(p.Photos) != 1 {
		t.Fatalf("got %d photos, want 1", len(p.Photos))
	}
	if !p.Photos[0].TakenAt.Equal(want[0].TakenAt) {
		t.Errorf("taken_at = %v, want %v", p.Photos[0].TakenAt, want[0].TakenAt)
	}
	p.Photos[0].TakenAt = want[0].TakenAt
	if !reflect.DeepEqual(p.Photos, want) {
		t.Errorf("\n got %+v\nwant %+v", p.Photos, want)
	}
}

// TestPhotoLayoutErrors breaks a good album in the ways a changed site would.
func TestPhotoLayoutErrors(t *testing.T) {
	good := string(readOwnPage(t, "photo-intl-album.html"))
	tests := []struct {
		name, old, new string
	}{
		{"time removed", `<div class="block_info p_3 f_11 white">2026/11/22 18:52</div>`, ``},
		{"time unreadable", `2026/11/22 18:52`, `22.11.2026`},
		{"title removed", `<div class="black_block w_430 m_3 m_b_5 p_5 t_l f_15 break">ヴィラン</div>`, ``},
		{"photo removed", `<img src="https://maimaidx-eng.com/maimai-mobile/img/photo/2c7e9a41f0b35d68.jpg" class="w_430"/>`, ``},
		{"chart type unknown", `music_standard.png`, `music_deluxe.png`},
		{"chart type removed", `<img src="https://maimaidx-eng.com/maimai-mobile/img/music_dx.png" class="music_kind_icon f_r"/>`, ``},
		{"difficulty unknown", `music_remaster_score_back`, `music_ultima_score_back`},
		{"difficulty image disagrees", `diff_remaster.png`, `diff_basic.png`},
		{"block class renamed", `music_master_score_back`, `music_master_photo_back`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.old) {
				t.Fatalf("test page lacks %q", tt.old)
			}
			p, err := parsePhotoBytes(t, []byte(strings.Replace(good, tt.old, tt.new, 1)), maimai.Intl)
			if !errors.Is(err, ErrLayout) {
				t.Fatalf("err = %v, want ErrLayout (page %+v)", err, p)
			}
		})
	}
	t.Run("no photos and no album heading", func(t *testing.T) {
		bad := strings.Replace(string(readOwnPage(t, "photo-cn-closed.html")), "title_photo_album", "title_playerdata", 1)
		if _, err := parsePhotoBytes(t, []byte(bad), maimai.CN); !errors.Is(err, ErrLayout) {
			t.Fatalf("err = %v, want ErrLayout", err)
		}
	})
}

// TestPhotoParse runs our albums through Parse, detection included.
func TestPhotoParse(t *testing.T) {
	for _, tt := range []struct {
		file   string
		region maimai.Region
		photos int
	}{
		{"photo-intl-album.html", maimai.Intl, 3},
		{"photo-jp-album.html", maimai.JP, 1},
		{"photo-cn-closed.html", maimai.CN, 0},
	} {
		t.Run(tt.file, func(t *testing.T) {
			p, err := Parse(readOwnPage(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			pp, ok := p.(*PhotoPage)
			if !ok {
				t.Fatalf("Parse returned %T (%s), want *PhotoPage", p, p.Head().Kind)
			}
			if pp.Region != tt.region || len(pp.Photos) != tt.photos {
				t.Errorf("region %s with %d photos, want %s with %d", pp.Region, len(pp.Photos), tt.region, tt.photos)
			}
		})
	}
}

// TestPhotoLevel reads a level badge where an album block shows one (the
// music_lv_block the best-score lists use), and leaves Level empty where
// it does not.
func TestPhotoLevel(t *testing.T) {
	good := string(readOwnPage(t, "photo-intl-album.html"))
	anchor := `<div class="block_info p_3 f_11 white">2026/11/22 19:00</div>`
	if !strings.Contains(good, anchor) {
		t.Fatalf("test page lacks %q", anchor)
	}
	page := strings.Replace(good, anchor, anchor+`<div class="music_lv_block f_r t_c f_14">13+</div>`, 1)
	p, err := parsePhotoBytes(t, []byte(page), maimai.Intl)
	if err != nil {
		t.Fatal(err)
	}
	if p.Photos[0].Level != "13+" || p.Photos[1].Level != "" {
		t.Errorf("levels %q, %q; want 13+ and none", p.Photos[0].Level, p.Photos[1].Level)
	}
}
