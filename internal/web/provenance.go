package web

import (
	"net/http"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/maimai"
	"github.com/maiprobe/maiprobe/internal/storage"
)

// provView says where a chart's best came from (docs/interchange.md, "In
// the archive"): a DX NET page, or another tool's file, which a player
// should be able to tell from what the site showed them.
type provView struct {
	// Foreign: the best was last raised by another tool's file (a
	// diving-fish or Lxns import…); rows and cards mark it with a badge.
	Foreign bool
	// Text is the line the chart page shows: "来自 水鱼 导入 · 2026-11-02".
	Text string
}

// provenanceOf is the provenance of a best, nil when unknown (a best
// stored before provenance was kept). The date is the source's, in the
// region's clock.
func provenanceOf(r *http.Request, source string, at time.Time, region maimai.Region) *provView {
	if source == "" {
		return nil
	}
	p := storage.Provenance{Source: source}
	v := &provView{Foreign: p.Foreign()}
	date := ""
	if !at.IsZero() {
		date = at.In(region.Location()).Format("2006-01-02")
	}
	if v.Foreign {
		v.Text = textf(r, "prov.foreign", text(r, "prov.tool."+source), date)
	} else {
		v.Text = textf(r, "prov.dxnet", text(r, "prov.page."+source), date)
	}
	if date == "" {
		// No time known: the line names the source alone.
		v.Text = text(r, "prov.tool."+source)
		if !v.Foreign {
			v.Text = text(r, "prov.page."+source)
		}
		v.Text = textf(r, "prov.from", v.Text)
	}
	return v
}

// withProv is c with the provenance of the rating entry it shows.
func withProv(r *http.Request, c scoreCard, e archive.RatingEntry, region maimai.Region) scoreCard {
	c.Prov = provenanceOf(r, e.Source, e.SourceAt, region)
	return c
}
