package web

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/interchange"
)

// exportDownload serves the player's scores in another tool's format
// (GET /p/NAME/export/FORMAT, FORMAT one of interchange.ExportFormats) as
// a file download, to whoever may view the player. What the format
// cannot hold is counted in the X-Maiprobe-Skipped header; docs/
// interchange.md says which charts each format leaves out and why.
func (s *Server) exportDownload(w http.ResponseWriter, r *http.Request) {
	f, err := interchange.ParseExportFormat(r.PathValue("format"))
	if err != nil {
		s.notFound(w, r)
		return
	}
	player := r.PathValue("player")
	scores, err := s.archive.ExportScores(r.Context(), player, archive.ScoresSince{})
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	// Written whole before the first byte goes out, so a failure is an
	// error page and not a truncated file saved as if it were complete.
	var buf bytes.Buffer
	skipped, err := interchange.Write(&buf, f, scores)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType())
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": exportFileName(player, f)}))
	h.Set("X-Maiprobe-Skipped", strconv.Itoa(len(skipped)))
	// Scores of a private player: never kept by a shared cache.
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(buf.Bytes())
}

// exportFileName is the download's file name, maiprobe-NAME-FORMAT.EXT;
// mime.FormatMediaType encodes a name that is not ASCII (RFC 2231).
func exportFileName(player string, f interchange.ExportFormat) string {
	return "maiprobe-" + player + "-" + string(f) + f.Ext()
}
