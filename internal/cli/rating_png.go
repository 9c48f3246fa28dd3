package cli

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/b50img"
)

// ratingPicture draws r as the B50 picture with the font of --font or
// MAIPROBE_FONT (or one found on the system), returning the PNG, what it
// laid out and how many jackets it drew.
func ratingPicture(ctx context.Context, c *runCtx, a *archive.Archive, r *archive.PlayerRating, font string) ([]byte, *b50img.Layout, int, error) {
	fonts, err := b50img.LoadFonts(ctx, cmp.Or(font, c.Getenv("MAIPROBE_FONT")))
	if err != nil {
		return nil, nil, 0, err
	}
	m := c.msg
	opt := b50img.Options{Fonts: fonts, Labels: b50img.Labels{New: m.ratingNew, Old: m.ratingOld, Sum: m.ratingPNGSum,
		Empty: m.ratingPNGEmpty, Footer: m.ratingPNGFooter, Estimated: m.ratingEstMark}}
	jackets, err := b50img.Prepare(ctx, a, r, &opt)
	if err != nil {
		return nil, nil, 0, err
	}
	var buf bytes.Buffer
	l, err := b50img.WritePNG(&buf, r, opt)
	if err != nil {
		return nil, nil, 0, err
	}
	return buf.Bytes(), l, jackets, nil
}

// writeRatingPNG writes the B50 picture of r to file and says so on out
// (standard output, or standard error when the JSON goes to standard
// output), warning when characters had no font.
func writeRatingPNG(ctx context.Context, c *runCtx, a *archive.Archive, r *archive.PlayerRating, file, font string, asJSON bool) int {
	png, l, jackets, err := ratingPicture(ctx, c, a, r, font)
	if err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe rating: --png: %v\n", err)
		return exitFail
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		fmt.Fprintf(c.Stderr, "maiprobe rating: %v\n", err)
		return exitFail
	}
	out := c.Stdout
	if asJSON {
		out = c.Stderr
	}
	fmt.Fprintf(out, c.msg.ratingPNGWrote+"\n", file, l.Width, l.Height, len(l.Cards), jackets, cmp.Or(l.Font, "Go"))
	if len(l.Missing) > 0 {
		fmt.Fprintf(c.Stderr, c.msg.ratingPNGNoFont+"\n", len(l.Missing))
	}
	if asJSON {
		return writeJSON(c, r)
	}
	return exitOK
}
