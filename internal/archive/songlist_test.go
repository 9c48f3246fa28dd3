package archive

import (
	"slices"
	"testing"
)

func TestFoldSearch(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"ウミユリ海底譚", "うみゆり海底譚"},
		{"ｳﾐﾕﾘ", "ウミユリ"},
		{"ＳＣＡＴＭＡＮ　John", "scatman john"},
		{"ゔぁ", "ヴァ"},
		{"ゝゞ", "ヽヾ"},
	} {
		t.Run(tc.a, func(t *testing.T) {
			if fa, fb := FoldSearch(tc.a), FoldSearch(tc.b); fa != fb {
				t.Errorf("FoldSearch(%q) = %q, FoldSearch(%q) = %q; want them equal", tc.a, fa, tc.b, fb)
			}
		})
	}
	if FoldSearch("さくら") == FoldSearch("さくらんぼ") {
		t.Error("folding merged different titles")
	}
}

func TestLevelLess(t *testing.T) {
	got := []string{"13+", "9", "13+?", "10", "9+", "13", "14"}
	slices.SortFunc(got, func(a, b string) int {
		switch {
		case levelLess(a, b):
			return -1
		case levelLess(b, a):
			return 1
		}
		return 0
	})
	want := []string{"9", "9+", "10", "13", "13+", "13+?", "14"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted levels %q, want %q", got, want)
	}
}

func TestPinyinInitials(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"康莊大道", "kzdd"},
		{"六兆年と一夜物語", "lznトyywy"},
		{"ウミユリ海底譚", "ウミユリhdt"},
		{"Ａi C", "aic"},
	} {
		if got := PinyinInitials(tc.in); got != tc.want {
			t.Errorf("PinyinInitials(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
