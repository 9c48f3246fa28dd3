package query

import (
	"net/url"
	"strings"
	"testing"
)

// TestCheckFilters: every value PlayFilter or SongFilter would drop is
// named, with what the parameter takes; what they read, and empty values,
// pass.
func TestCheckFilters(t *testing.T) {
	for _, tc := range []struct {
		check func(url.Values) error
		query string
		bad   string // the parameter named, "" for none
	}{
		{CheckPlayFilter, "diff=master&type=dx&rank=sssp&fc=ap&fs=fsdp&lv_min=13&lv_max=14%2B&cmin=13.7&cmax=14,2&from=2025-01-01&to=2025-12-31", ""},
		{CheckPlayFilter, "diff=&from=&q=anything", ""},
		{CheckPlayFilter, "diff=Master", "diff"},
		{CheckPlayFilter, "from=2025-13-01", "from"},
		{CheckPlayFilter, "to=yesterday", "to"},
		{CheckPlayFilter, "type=deluxe", "type"},
		{CheckPlayFilter, "rank=SSS", "rank"},
		{CheckPlayFilter, "fc=FC", "fc"},
		{CheckPlayFilter, "fs=fdx", "fs"},
		{CheckPlayFilter, "lv_min=15%2B", "lv_min"},
		{CheckPlayFilter, "cmax=abc", "cmax"},
		{CheckPlayFilter, "cmin=99", "cmin"},
		{CheckSongFilter, "level=13%2B&version=25000&played=1&genre=anything", ""},
		{CheckSongFilter, "version=x", "version"},
		{CheckSongFilter, "level=13.5", "level"},
		{CheckSongFilter, "played=yes", "played"},
	} {
		q, _ := url.ParseQuery(tc.query)
		err := tc.check(q)
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("%s: %v", tc.query, err)
		case tc.bad != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.bad+"=") || !strings.Contains(err.Error(), "want ")):
			t.Errorf("%s: %v, want an error naming %s and what it takes", tc.query, err, tc.bad)
		}
	}
}
