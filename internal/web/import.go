package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/interchange"
	"github.com/maiprobe/maiprobe/internal/maimai"
)

// kindText names a page kind in the page's language; a kind without a
// catalogue entry shows as itself.
func kindText(r *http.Request, k dxnet.Kind) string {
	if k == "" {
		return ""
	}
	key := "import.kind." + string(k)
	if t := text(r, key); t != key {
		return t
	}
	return string(k)
}

// reasonErrors are the categories of a rejected file, each with the
// catalogue key that says it in the player's language.
var reasonErrors = []struct {
	err error
	key string
}{
	{dxnet.ErrNotDXNet, "import.err.not_dxnet"},
	{dxnet.ErrUnknownPage, "import.err.unknown_page"},
	{dxnet.ErrTruncated, "import.err.truncated"},
	{dxnet.ErrLayout, "import.err.layout"},
	{archive.ErrSitePage, "import.err.site_page"},
	{archive.ErrMisparsed, "import.err.misparsed"},
	{archive.ErrIdentity, "import.err.identity"},
	{archive.ErrExport, "import.err.export"},
	{interchange.ErrExportOnly, "import.err.export_only"},
	{interchange.ErrBadFile, "import.err.foreign_file"},
	{archive.ErrNeedRegion, "import.err.need_region"},
	{archive.ErrForeignAuto, "import.err.foreign_auto"},
}

// reasonText says why a file was rejected: the category in the page's
// language, then the parser's own (English) detail, as the CLI does. The
// English detail already starts with the category, so English pages show
// the detail alone.
func reasonText(r *http.Request, err error) string {
	detail := strings.Join(strings.Fields(err.Error()), " ") // the site's messages hold line breaks
	if state(r).Lang == "en" {
		return detail
	}
	for _, re := range reasonErrors {
		if errors.Is(err, re.err) {
			return text(r, re.key) + "（" + detail + "）"
		}
	}
	return detail
}

// importResult is what one file's import did, as the import page lists it.
type importResult struct {
	Name, Kind, Region, Status string
	Player                     string // where the page went, when pages are sorted by player
	Added, Unchanged           archive.Counts
	Reason                     string // why it was rejected
}

// importView is the import form and, after a POST, each file's result.
type importView struct {
	// Owned are the login's players: with more than one, the form offers to
	// send each page to the player of the in-game player it shows.
	Owned    []string
	Auto     bool
	Region   string // the game region chosen for other tools' files
	Results  []importResult
	Text     string // the pasted HTML, kept when nothing was imported
	Empty    bool   // the form was sent with nothing in it
	Added    int
	Rejected int
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "import", importView{Owned: s.owned(r)})
}

// owned lists the players the request's login owns.
func (s *Server) owned(r *http.Request) []string {
	st := state(r)
	if st.Session == nil {
		return nil
	}
	owned, _, err := s.archive.VisiblePlayers(r.Context(), st.Session.User.ID)
	if err != nil {
		s.log.Error("list owned players", "err", err)
	}
	return owned
}

// doImport imports the pasted page and every uploaded file, each on its
// own through archive.Import (one transaction per file), and shows what
// each did. The csrf middleware has parsed the (multipart) form already.
func (s *Server) doImport(w http.ResponseWriter, r *http.Request) {
	player := r.PathValue("player")
	v := importView{Owned: s.owned(r)}
	// Every page into this player, or, when asked, each into the login's
	// player of the in-game player it shows; never into anyone else's.
	opt := archive.ImportOptions{Player: player}
	if r.PostFormValue("auto") == "1" && len(v.Owned) > 1 {
		v.Auto = true
		opt = archive.ImportOptions{Player: player, Auto: true, Candidates: v.Owned}
	}
	// The region of other tools' files that do not say it (Tachi,
	// mai-tools, DXRating); only the form's own choices are taken.
	if reg := maimai.Region(r.PostFormValue("region")); reg.Valid() {
		v.Region, opt.Region = string(reg), reg
	}
	add := func(src archive.Source) {
		res := s.archive.ImportWith(r.Context(), src, opt)
		ir := importResult{Name: res.Name, Kind: kindText(r, res.Kind), Region: string(res.Region), Status: string(res.Status),
			Added: res.Added, Unchanged: res.Unchanged}
		if v.Auto {
			ir.Player = res.Player
		}
		if res.Err != nil {
			ir.Reason = reasonText(r, res.Err)
		}
		switch res.Status {
		case archive.Added:
			v.Added++
		case archive.Rejected:
			v.Rejected++
		}
		v.Results = append(v.Results, ir)
	}
	if pasted := r.PostFormValue("html"); strings.TrimSpace(pasted) != "" {
		add(archive.Source{Name: text(r, "import.pasted"), Data: []byte(pasted)})
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["files"] {
			f, err := fh.Open()
			if err != nil {
				s.failErr(w, r, err)
				return
			}
			b, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					s.tooLarge(w, r)
					return
				}
				s.failErr(w, r, err)
				return
			}
			add(archive.Source{Name: fh.Filename, Data: b})
		}
	}
	status := http.StatusOK
	if len(v.Results) == 0 {
		v.Empty = true
		status = http.StatusBadRequest
	} else if v.Added == 0 && v.Rejected == len(v.Results) {
		status = http.StatusUnprocessableEntity
		v.Text = r.PostFormValue("html")
	}
	s.render(w, r, status, "import", v)
}
