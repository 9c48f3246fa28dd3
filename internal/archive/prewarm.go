package archive

import (
	"context"
	"sync"
	"time"
)

// A long-running server asks for prewarming (PrewarmAfterImport): a
// while after the last import that added to a player, the player's
// history is computed in the background — the play log (only its new
// plays, history.go), the rating data and its history, the milestones,
// the stale counts, the current rating and the latest year's review — so
// the first history page after an upload finds it ready instead of
// computing it (about 0.7 s of CPU at 100,000 plays, most of it the
// rating data read again after the bests changed; docs/benchmarks.md).
// The command line and function platforms do not ask: their process ends
// or is frozen after the answer. Everything stays keyed by stamps read
// from the database, so a prewarm is only ever a cache filled early:
// another server on the same archive computes on its first view, and a
// change after the prewarm makes the next view compute again.

// prewarm is the state of prewarming.
type prewarm struct {
	mu     sync.Mutex
	delay  time.Duration // 0: off
	closed bool
	timers map[string]*time.Timer
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// runs counts finished prewarms and running those under way, for
	// tests and benchmarks.
	runs, running int
	done          *sync.Cond
}

// PrewarmAfterImport turns prewarming on: delay after the last import
// that added to a player (a folder of pages or a fetch imports many, one
// after another: they prewarm once), its history is computed in the
// background. A delay of 0 or less turns it off.
func (a *Archive) PrewarmAfterImport(delay time.Duration) {
	w := &a.warm
	w.mu.Lock()
	defer w.mu.Unlock()
	w.delay = max(delay, 0)
	if w.ctx == nil {
		w.ctx, w.cancel = context.WithCancel(context.Background())
		w.done = sync.NewCond(&w.mu)
	}
}

// imported schedules the prewarm of the player an import added to.
func (a *Archive) imported(res Result) {
	if res.Player == "" || !res.Added.nonzero() {
		return
	}
	w := &a.warm
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.delay == 0 || w.closed {
		return
	}
	if t := w.timers[res.Player]; t != nil && t.Stop() {
		t.Reset(w.delay)
		return
	}
	if w.timers == nil {
		w.timers = map[string]*time.Timer{}
	}
	player := res.Player
	// The callback is told its own timer: one that fired just as an
	// import found it no longer stoppable must not delete the entry of
	// the timer that import set. It gets &t, read under w.mu, because
	// the timer may fire before AfterFunc has returned t.
	var t *time.Timer
	t = time.AfterFunc(w.delay, func() { a.prewarmNow(player, &t) })
	w.timers[player] = t
}

// prewarmNow computes the player's history pages' data; *self is the
// timer that called it, set under w.mu.
func (a *Archive) prewarmNow(player string, self **time.Timer) {
	w := &a.warm
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	if w.timers[player] == *self {
		delete(w.timers, player)
	}
	w.running++
	w.wg.Add(1)
	ctx := w.ctx
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.runs++
		w.running--
		w.done.Broadcast()
		w.mu.Unlock()
		w.wg.Done()
	}()
	// Errors are left for the page that asks to report: a prewarm that
	// failed (a closed archive, a player without pages) has filled
	// nothing, and the page computes as it would have.
	if _, err := a.Milestones(ctx, player); err != nil {
		return
	}
	_, _ = a.StaleAttempts(ctx, player)
	_, _ = a.Rating(ctx, player, time.Time{})
	if log, err := a.PlayLog(ctx, player); err == nil && len(log.Plays) > 0 {
		year := log.Plays[len(log.Plays)-1].At.In(log.Region.Location()).Year()
		_, _ = a.YearReview(ctx, player, year)
	}
}

// WaitPrewarm waits until n prewarms have finished since the archive was
// opened and none is pending or under way (tests and benchmarks), or ctx
// ends.
func (a *Archive) WaitPrewarm(ctx context.Context, n int) error {
	w := &a.warm
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done == nil {
		return nil
	}
	stop := context.AfterFunc(ctx, func() {
		w.mu.Lock()
		w.done.Broadcast()
		w.mu.Unlock()
	})
	defer stop()
	for (w.runs < n || w.running > 0 || len(w.timers) > 0) && ctx.Err() == nil {
		w.done.Wait()
	}
	return ctx.Err()
}

// PrewarmRuns is the number of prewarms finished so far.
func (a *Archive) PrewarmRuns() int {
	w := &a.warm
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.runs
}

// stopPrewarm ends prewarming before the archive closes: no new one
// starts, a running one is cancelled and waited for.
func (a *Archive) stopPrewarm() {
	w := &a.warm
	w.mu.Lock()
	w.closed = true
	for _, t := range w.timers {
		t.Stop()
	}
	cancel := w.cancel
	w.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	w.wg.Wait()
}
