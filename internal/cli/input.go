package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/maiprobe/maiprobe/internal/archive"
	"github.com/maiprobe/maiprobe/internal/dxnet"
	"github.com/maiprobe/maiprobe/internal/interchange"
)

// input is one file to parse or import.
type input struct {
	name    string // as the user named it; "-" is "(stdin)"
	data    []byte
	modTime time.Time
}

// readInput reads a file, or standard input for "-", refusing anything over
// the page size limit without reading it all.
func readInput(c *runCtx, name string) (input, error) {
	if name == "-" {
		data, err := readLimited(c.Stdin)
		if err != nil {
			return input{name: "(stdin)"}, err
		}
		return input{name: "(stdin)", data: data, modTime: c.Now()}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return input{name: name}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return input{name: name}, err
	}
	if st.IsDir() {
		return input{name: name}, fmt.Errorf("is a directory")
	}
	if st.Size() > maxExportFile {
		return input{name: name}, fmt.Errorf("%d MB: %w", st.Size()>>20, errTooBig)
	}
	data, err := readLimited(f)
	return input{name: name, data: data, modTime: st.ModTime()}, err
}

var errTooBig = fmt.Errorf("over the %d MB limit of a page (%d MB for a maiprobe export)", dxnet.MaxPageSize>>20, maxExportFile>>20)

// maxExportFile is the largest maiprobe export the command line restores:
// a whole archive of years of plays with album images passes a page's
// 50 MB (the web and the API keep --max-upload).
const maxExportFile = 2 << 30

// readLimited reads a page of at most dxnet.MaxPageSize bytes, or a
// maiprobe export of at most maxExportFile.
func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, dxnet.MaxPageSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) <= dxnet.MaxPageSize {
		return data, nil
	}
	if !archive.IsExport(data) {
		return nil, errTooBig
	}
	rest, err := io.ReadAll(io.LimitReader(r, maxExportFile-int64(len(data))+1))
	if err != nil {
		return nil, err
	}
	if data = append(data, rest...); len(data) > maxExportFile {
		return nil, errTooBig
	}
	return data, nil
}

// pageExts are the file endings taken from a directory. A page saved by a
// browser comes with a folder of images, scripts and styles that are not
// pages; those are skipped (and counted), not rejected.
var pageExts = map[string]bool{".html": true, ".htm": true, ".json": true, ".txt": true, "": true}

// foreignFile tells by its content whether a file of a directory with
// another ending (diving-fish's and Lxns's .csv, mai-tools' .tsv, a file
// renamed by a browser) is a file of another tool. It reads at most the
// start detection looks at, and only of files small enough to import, so
// a folder of images and videos costs little.
func foreignFile(path string, d fs.DirEntry) bool {
	info, err := d.Info()
	if err != nil || info.Size() == 0 || info.Size() > interchange.MaxFileSize {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false // the walk lists it as skipped; opening it would fail again
	}
	defer f.Close()
	head, err := io.ReadAll(io.LimitReader(f, interchange.HeadSize+3)) // + a byte order mark
	if err != nil {
		return false
	}
	// maiprobe's own CSV exports are named by Detect so that importing one
	// says it is export-only; in a folder they are skipped like assets.
	format, ok := interchange.Detect(head)
	return ok && format != interchange.CSV
}

// expand turns the command line's paths into files: a directory gives its
// page files recursively in name order; files and "-" are kept as given.
func expand(paths []string) (files, skipped []string, err error) {
	for _, p := range paths {
		if p == "-" {
			files = append(files, p)
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			base := d.Name()
			if path != p && strings.HasPrefix(base, ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			if pageExts[strings.ToLower(filepath.Ext(base))] || foreignFile(path, d) {
				found = append(found, path)
			} else {
				skipped = append(skipped, path)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, skipped, nil
}
