package archive

import "context"

// RatingStamp is a token of what the player's current rating is computed
// from (best scores, chart links, song data and the rules of today's
// version): it changes whenever Rating may, so anything drawn from the
// rating (the B50 picture) can be cached under it.
func (a *Archive) RatingStamp(ctx context.Context, player string) (string, error) {
	return a.ratingStamp(ctx, player, a.now())
}
