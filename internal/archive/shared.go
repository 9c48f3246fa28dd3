package archive

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"sync/atomic"
	"time"
)

// What the servers on one archive share so they act as one (docs/web.md,
// "Several servers on one database"): failed tries, import tokens'
// request budgets, the first-run setup token and leases on scheduled
// work. None of it is archive data: it never raises the archive version.

// ErrBadSetupToken: the first-run setup token is wrong or already used.
var ErrBadSetupToken = errors.New("archive: wrong or used setup token")

// FailedTries is what the archive remembers of failed tries under a key.
type FailedTries struct {
	N    int
	Last time.Time
}

// throttleKey is how a key is stored: hashed, so a password typed into the
// name field is not kept.
func throttleKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// FailedTries returns the failures counted under each of keys that has
// any, by key.
func (a *Archive) FailedTries(ctx context.Context, keys ...string) (map[string]FailedTries, error) {
	hashes := make([]string, len(keys))
	byHash := make(map[string]string, len(keys))
	for i, k := range keys {
		hashes[i] = throttleKey(k)
		byHash[hashes[i]] = k
	}
	fs, err := a.db.Failures(ctx, hashes...)
	if err != nil {
		return nil, err
	}
	out := make(map[string]FailedTries, len(fs))
	for _, f := range fs {
		out[byHash[f.KeyHash]] = FailedTries{N: f.N, Last: f.LastAt}
	}
	return out, nil
}

// lastPrune is when failures were last pruned, in Unix seconds (per
// process; any server pruning is enough).
var lastPrune atomic.Int64

// CountFailedTry counts a failed try at at under each of keys; failures
// older than forget are forgotten (the count starts again at one, and
// once an hour they are deleted).
func (a *Archive) CountFailedTry(ctx context.Context, at time.Time, forget time.Duration, keys ...string) error {
	for _, k := range keys {
		if err := a.db.AddFailure(ctx, throttleKey(k), at, at.Add(-forget)); err != nil {
			return err
		}
	}
	if last := lastPrune.Load(); at.Unix()-last > 3600 && lastPrune.CompareAndSwap(last, at.Unix()) {
		if _, err := a.db.PruneFailures(ctx, at.Add(-forget)); err != nil {
			return err
		}
	}
	return nil
}

// ForgetFailedTries forgets the failures under keys (a try succeeded).
func (a *Archive) ForgetFailedTries(ctx context.Context, keys ...string) error {
	hashes := make([]string, len(keys))
	for i, k := range keys {
		hashes[i] = throttleKey(k)
	}
	return a.db.ClearFailures(ctx, hashes...)
}

// SpendAPIBudget spends one request of the read API's budget under key
// ("token:ID", or "ip:ADDR" for a caller without a token), shared by every
// server on the archive: 0 when the request may go ahead, else how long
// until it may. Once an hour the budgets that are full again are deleted.
func (a *Archive) SpendAPIBudget(ctx context.Context, key string, now time.Time, burst int, every time.Duration) (time.Duration, error) {
	wait, err := a.db.TakeKeyBudget(ctx, throttleKey(key), now, burst, every)
	if err != nil {
		return 0, err
	}
	if last := lastBudgetPrune.Load(); now.Unix()-last > 3600 && lastBudgetPrune.CompareAndSwap(last, now.Unix()) {
		if _, err := a.db.PruneKeyBudgets(ctx, now); err != nil {
			return 0, err
		}
	}
	return wait, nil
}

// lastBudgetPrune is when the read API's budgets were last pruned, in Unix
// seconds (per process, like lastPrune).
var lastBudgetPrune atomic.Int64

// SpendImportBudget spends one request of the import token's budget:
// burst requests at once, then one per every. It returns how long to wait
// when the budget is spent (0: go ahead). Every server on the archive
// spends from the same budget.
func (a *Archive) SpendImportBudget(ctx context.Context, tokenID int64, now time.Time, burst int, every time.Duration) (time.Duration, error) {
	return a.db.TakeBudget(ctx, tokenID, now, burst, every)
}

// StartSetup returns the first-run setup token while the archive has no
// user: the one stored, or a new one stored now, so every server started
// on the archive shows the same. It returns "" once a user exists.
func (a *Archive) StartSetup(ctx context.Context) (string, error) {
	n, err := a.CountUsers(ctx)
	if err != nil {
		return "", err
	}
	if n > 0 {
		// A token left over from before `maiprobe user add` is no use.
		return "", a.db.DeleteSetupToken(ctx)
	}
	return a.db.PutSetupToken(ctx, randomToken(), a.now())
}

// SetupToken returns the live first-run setup token, or "" when there is
// none (a user exists, or no server has started setup).
func (a *Archive) SetupToken(ctx context.Context) (string, error) {
	tok, err := a.db.SetupToken(ctx)
	if isNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if n, err := a.CountUsers(ctx); err != nil || n > 0 {
		return "", err
	}
	return tok, nil
}

// CheckSetupToken reports whether token is the live first-run setup token.
func (a *Archive) CheckSetupToken(ctx context.Context, token string) (bool, error) {
	live, err := a.SetupToken(ctx)
	if err != nil {
		return false, err
	}
	return live != "" && subtle.ConstantTimeCompare([]byte(token), []byte(live)) == 1, nil
}

// SetupFirstUser creates the first user with the first-run setup token,
// using the token up in the same transaction: of any number of setups on
// any number of servers, one succeeds. ErrBadSetupToken when the token is
// wrong or used; the name's and password's errors as AddUser.
func (a *Archive) SetupFirstUser(ctx context.Context, token, name, password, player string) (User, error) {
	if ok, err := a.CheckSetupToken(ctx, token); err != nil || !ok {
		if err == nil {
			err = ErrBadSetupToken
		}
		return User{}, err
	}
	return a.addUser(ctx, name, password, player, true, token)
}

// ClaimLease takes the lease name for holder for term from now, if nobody
// holds it (never taken, released, or expired because its holder died);
// claimed is false when another holds it.
func (a *Archive) ClaimLease(ctx context.Context, name, holder string, now time.Time, term time.Duration) (claimed bool, err error) {
	return a.db.ClaimLease(ctx, name, holder, now, now.Add(term))
}

// RenewLease extends holder's lease to term from now; held is false when
// it is no longer holder's.
func (a *Archive) RenewLease(ctx context.Context, name, holder string, now time.Time, term time.Duration) (held bool, err error) {
	return a.db.RenewLease(ctx, name, holder, now.Add(term))
}

// ReleaseLease ends holder's lease.
func (a *Archive) ReleaseLease(ctx context.Context, name, holder string) error {
	return a.db.ReleaseLease(ctx, name, holder)
}

// LeaseHeld reports whether anyone holds the lease name at now.
func (a *Archive) LeaseHeld(ctx context.Context, name string, now time.Time) (bool, error) {
	_, until, err := a.db.Lease(ctx, name)
	if isNotFound(err) {
		return false, nil
	}
	return err == nil && until.After(now), err
}

// SiteLoginDue reports whether the player's stored login is due to run at
// now: the scheduler asks again after it took the run's lease, as another
// server may have run it in between.
func (a *Archive) SiteLoginDue(ctx context.Context, player string, now time.Time) (bool, error) {
	st, err := a.SiteLoginStatus(ctx, player)
	if errors.Is(err, ErrNoSiteLogin) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return st.Enabled && !st.NextRunAt.IsZero() && !st.NextRunAt.After(now), nil
}
