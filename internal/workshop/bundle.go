// Package workshop carries contributions between Mitreden instances: a
// workshop laptop that ran offline exports a bundle, the central instance
// imports it without duplicates. GeoJSON files of contributions (from GIS
// or other platforms) are imported the same way.
package workshop

import (
	"bufio"
	"encoding/json"
	"io"
	"time"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
)

// BundleFormat and BundleVersion identify a bundle file.
const (
	BundleFormat  = "mitreden-bundle"
	BundleVersion = 1
)

// bundleComment is a comment inside a bundle.
type bundleComment struct {
	ID         int64  `json:"id"`
	ParentID   int64  `json:"parent_id,omitempty"`
	Text       string `json:"text"`
	AuthorName string `json:"author_name"`
	CreatedAt  string `json:"created_at"`
}

// bundleItem is one contribution inside a bundle.
type bundleItem struct {
	ID         string          `json:"id"`
	Category   string          `json:"category"`
	Type       string          `json:"type"`
	Title      string          `json:"title"`
	Text       string          `json:"text"`
	Geometry   json.RawMessage `json:"geometry"`
	AuthorName string          `json:"author_name"`
	Origin     string          `json:"origin"`
	Status     string          `json:"status"`
	Up         int             `json:"rating_up"`
	Down       int             `json:"rating_down"`
	CreatedAt  string          `json:"created_at"`
	UpdatedAt  string          `json:"updated_at"`
	Comments   []bundleComment `json:"comments"`
}

// BundleWriter streams a bundle: the header, then one contribution at a time.
type BundleWriter struct {
	w     *bufio.Writer
	count int
}

// NewBundleWriter writes the bundle header for procedure slug.
func NewBundleWriter(w io.Writer, slug string, now time.Time) (*BundleWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	head, _ := json.Marshal(struct {
		Format     string `json:"format"`
		Version    int    `json:"version"`
		Procedure  string `json:"procedure"`
		ExportedAt string `json:"exported_at"`
	}{BundleFormat, BundleVersion, slug, now.UTC().Format(time.RFC3339)})
	// the header object, left open for the contributions array
	if _, err := bw.Write(head[:len(head)-1]); err != nil {
		return nil, err
	}
	_, err := bw.WriteString(`,"contributions":[`)
	return &BundleWriter{w: bw}, err
}

// Add appends a contribution with its published comments.
func (b *BundleWriter) Add(c *model.Contribution, comments []model.Comment) error {
	it := bundleItem{ID: c.ID, Category: c.Category, Type: c.Type, Title: c.Title, Text: c.Text,
		Geometry: geo.MarshalGeometry(c.Geometry), AuthorName: c.AuthorName, Origin: c.Origin,
		Status: string(c.Status), Up: c.Up, Down: c.Down,
		CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339Nano), UpdatedAt: c.UpdatedAt.UTC().Format(time.RFC3339Nano),
		Comments: []bundleComment{}}
	for _, m := range comments {
		it.Comments = append(it.Comments, bundleComment{ID: m.ID, ParentID: m.ParentID, Text: m.Text,
			AuthorName: m.AuthorName, CreatedAt: m.CreatedAt.UTC().Format(time.RFC3339Nano)})
	}
	b2, err := json.Marshal(it)
	if err != nil {
		return err
	}
	if b.count > 0 {
		b.w.WriteByte(',')
	}
	b.count++
	b.w.WriteByte('\n')
	_, err = b.w.Write(b2)
	return err
}

// Close ends the bundle and flushes it.
func (b *BundleWriter) Close() error {
	if _, err := b.w.WriteString("\n]}\n"); err != nil {
		return err
	}
	return b.w.Flush()
}
