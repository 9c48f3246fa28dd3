package constants

import (
	"reflect"
	"testing"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// TestResume plays a scenario with several unknown charts, new and old,
// among known ones, every play with its detail, and after each play goes
// on from the Memory of the plays before (as the archive does after an
// import): whenever Resume says ok, its Result must be Learn's over every
// play so far, and ResultOf its Memory must give it back; when it is not
// ok the Memory is made again from every play. Both must happen.
func TestResume(t *testing.T) {
	s := newSite(t)
	s.fill(40, 20)
	unknown := []int{
		s.chart("13+", 137, true, 0),
		s.chart("13", 132, true, 0),
		s.chart("14", 143, false, 0),
		s.chart("12+", 128, false, 0),
		s.chart("13+", 139, true, 0),
	}
	known := len(s.in.Charts) - len(unknown)
	var plays []Play
	var mem Memory
	resumed, again := 0, 0
	for n := range 160 {
		c := unknown[n%len(unknown)]
		if n%3 == 0 {
			c = (n * 7) % known // a known chart, checked against the song data
		}
		a := maimai.Achievement(965000 + (n*7919)%40500)
		plays = append(plays, s.play(c, a, true))
		all := s.in
		all.Plays = plays
		want, wantMem := LearnMemory(all)
		if n > 0 {
			in := all
			in.Plays = plays[len(plays)-1:]
			in.Steps = nil
			for _, st := range s.in.Steps {
				if !st.At.Before(mem.Last) {
					in.Steps = append(in.Steps, st)
				}
			}
			got, next, ok := Resume(in, mem)
			if ok {
				resumed++
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("play %d: Resume gave\n%+v\nLearn over every play\n%+v", n, got, want)
				}
				back, ok := ResultOf(all, next)
				if !ok || !reflect.DeepEqual(back, want) {
					t.Fatalf("play %d: ResultOf the Memory gave\n%+v\nwant\n%+v", n, back, want)
				}
				mem = next
				continue
			}
			again++
		}
		mem = wantMem
	}
	t.Logf("%d plays gone on from, %d made again", resumed, again)
	if resumed == 0 || again == 0 {
		t.Errorf("resumed %d times and made again %d times; the scenario should do both", resumed, again)
	}
	// An old play arriving late is never gone on from.
	in := s.in
	in.Plays = []Play{plays[10]}
	in.Steps = nil
	if _, _, ok := Resume(in, mem); ok {
		t.Error("Resume went on with a play older than the Memory's latest")
	}
}
