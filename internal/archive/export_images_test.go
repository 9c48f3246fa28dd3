package archive

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestExportPhotoImages checks that the album images the fetcher keeps
// travel in an export: restored into an empty archive they come back byte
// for byte, and restoring again adds none.
func TestExportPhotoImages(t *testing.T) {
	for _, db := range []string{"sqlite", "mysql", "postgres"} {
		t.Run(db, func(t *testing.T) {
			ctx := context.Background()
			a := openDB(t, db)
			fillArchive(t, a)
			jpeg := append([]byte{0xff, 0xd8, 0xff, 0xe0, 0x00}, bytes.Repeat([]byte{0x80, 0x00, 0xff}, 100)...)
			img := PhotoImage{URL: "https://x/1.jpg", ContentType: "image/jpeg", FetchedAt: testNow.Add(-30 * time.Minute), Data: jpeg}
			if added, err := a.StorePhotoImage(ctx, "alice", img); !added || err != nil {
				t.Fatalf("store image: %v %v", added, err)
			}
			first := export(t, a)
			if !bytes.Contains(first, []byte(`"photo_images"`)) || !bytes.Contains(first, []byte(`"url": "https://x/1.jpg"`)) {
				t.Fatalf("the export has no photo image:\n%s", clip(first))
			}

			b := openDB(t, db)
			res := b.ImportWith(ctx, Source{Name: "export.json", Data: first}, ImportOptions{AllPlayers: true})
			if res.Status != Added || res.Added.PhotoImages != 1 {
				t.Fatalf("restore: %s %+v %v", res.Status, res.Added, res.Err)
			}
			got, err := b.PhotoImage(ctx, "alice", img.URL)
			if err != nil {
				t.Fatal(err)
			}
			if got.ContentType != img.ContentType || !got.FetchedAt.Equal(img.FetchedAt) || !bytes.Equal(got.Data, jpeg) {
				t.Errorf("restored image %s %s %d bytes, want %s %s %d bytes",
					got.ContentType, got.FetchedAt, len(got.Data), img.ContentType, img.FetchedAt, len(jpeg))
			}
			if urls, err := b.PhotoImageURLs(ctx, "bob"); err != nil || len(urls) != 0 {
				t.Errorf("bob has images %v %v, want none", urls, err)
			}
			if x, y := withoutExportedAt(t, first), withoutExportedAt(t, export(t, b)); !reflect.DeepEqual(x, y) {
				t.Error("export → import → export differs")
			}
			if res := b.ImportWith(ctx, Source{Name: "export.json", Data: first}, ImportOptions{AllPlayers: true}); res.Status != Unchanged || res.Added.PhotoImages != 0 {
				t.Errorf("second restore: %s %+v %v", res.Status, res.Added, res.Err)
			}
			// An image without data is a damaged file.
			broken := bytes.Replace(first, []byte(`"content_type": "image/jpeg"`), []byte(`"content_type": ""`), 1)
			if res := b.ImportWith(ctx, Source{Name: "broken.json", Data: broken}, ImportOptions{AllPlayers: true}); res.Status != Rejected ||
				!strings.Contains(res.Err.Error(), "photo image 1") {
				t.Errorf("damaged image: %s %v", res.Status, res.Err)
			}
		})
	}
}
