package web

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var plateRowRE = regexp.MustCompile(`<td class="plate"><a [^>]*>([^<]*)</a></td>(?s:.*?)<span class="plate-done">(\d+)</span>/<span class="plate-total">(\d+)</span>`)

// plateCounts reads "done/total" of every plate off the plates page.
func plateCounts(body string) map[string]string {
	out := map[string]string{}
	for _, m := range plateRowRE.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2] + "/" + m[3]
	}
	return out
}

func TestPlatesPage(t *testing.T) {
	_, b := songsApp(t, true)
	got := plateCounts(getOK(t, b, "/p/default/plates"))
	for plate, want := range map[string]string{
		// ウミユリ海底譚 (舞萌DX 2026): master 100.7654% AP FDX+, the
		// other three never played.
		"彩将": "1/4", "彩极": "1/4", "彩神": "1/4", "彩舞舞": "1/4",
		// Scatman (maimai): expert 72.5%, no mark.
		"真将": "0/4", "真者": "", "真极": "0/4",
		// Help me (MURASAKi): only its Re:Master is played, which 紫
		// does not count; the 舞 set counts Re:Master, so 霸者 (80%) has it.
		"紫将": "0/4", "霸者": "1/9", "舞将": "0/9",
		// さくらんぼ (舞萌DX): never played; both CN plates of the version.
		"熊将": "0/4", "华将": "0/4",
		// Versions with no chart in the song data are left out.
		"镜将": "",
	} {
		if got[plate] != want {
			t.Errorf("%s: %q, want %q", plate, got[plate], want)
		}
	}

	t.Run("one plate", func(t *testing.T) {
		path := "/p/default/plates?" + url.Values{"plate": {"彩"}, "kind": {"将"}}.Encode()
		left := getOK(t, b, path)
		if !strings.Contains(left, "已完成 1 / 4，剩余 3") {
			t.Error("彩将 does not say 1 of 4 done, 3 remaining")
		}
		if n := strings.Count(left, `<td class="title">ウミユリ海底譚`); n != 3 {
			t.Errorf("%d remaining charts listed, want 3 (basic, advanced, expert)", n)
		}
		done := getOK(t, b, path+"&show=done")
		if !strings.Contains(done, "100.7654%") || strings.Count(done, "ウミユリ海底譚</a>") != 1 {
			t.Error("the done list does not hold the master at 100.7654%")
		}
		if res := b.get("/p/default/plates?plate=%E7%8E%8B&kind=%E5%B0%86"); res.StatusCode != 404 {
			t.Errorf("an unknown plate: %d, want 404", res.StatusCode)
		}
	})
}

func TestPlatesWithoutData(t *testing.T) {
	_, b := songsApp(t, false)
	body := getOK(t, b, "/p/default/plates")
	if !strings.Contains(body, "此地区还没有同步曲库，不知道牌子包含哪些谱面。") || len(plateCounts(body)) != 0 {
		t.Errorf("without song data the plates page does not say so:\n%s", body)
	}
}

// TestPlatesRealCN counts the real CN song list's charts per plate.
func TestPlatesRealCN(t *testing.T) {
	_, b := realCNApp(t)
	got := plateCounts(getOK(t, b, "/p/default/plates"))
	// Totals: diving-fish has 144 DX songs from FESTiVAL (祭/祝, four
	// charts each) and 534 standard songs from maimai to FiNALE with 2224
	// charts up to Re:Master (the 舞 set). Done: what the two record pages
	// played.
	for plate, want := range map[string]string{"祝将": "9/576", "祭极": "3/576", "霸者": "21/2224", "舞将": "7/2224", "舞舞舞": "0/2224", "镜极": "4/612"} {
		if got[plate] != want {
			t.Errorf("%s: %q, want %q", plate, got[plate], want)
		}
	}
	if len(got) != 101 {
		t.Errorf("%d plates listed, want 101 (12 plates before DX, 舞 and 12 CN ones × 4 kinds, and 霸者)", len(got))
	}
}
