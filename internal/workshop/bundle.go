// Package workshop carries contributions between Mitreden instances: a
// workshop laptop that ran offline exports a bundle, the central instance
// imports it without duplicates. GeoJSON files of contributions (from GIS
// or other platforms) are imported the same way.
package workshop

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/store"
)

// BundleFormat and BundleVersion identify a bundle file. Version 2 carries
// everything of a contribution: every status with its reason and merge
// target, comments in every status, official responses, ratings by voter
// hash and reports. Version 1 bundles (published, submitted and hidden
// contributions with their published comments and rating counts) are
// still read.
const (
	BundleFormat  = "mitreden-bundle"
	BundleVersion = 2
)

// bundleFlag is a report on a contribution or comment inside a bundle.
type bundleFlag struct {
	Reason     string `json:"reason"`
	CreatedAt  string `json:"created_at"`
	ResolvedAt string `json:"resolved_at,omitempty"`
	ResolvedBy string `json:"resolved_by,omitempty"`
}

// bundleComment is a comment inside a bundle.
type bundleComment struct {
	ID         int64        `json:"id"`
	ParentID   int64        `json:"parent_id,omitempty"`
	Text       string       `json:"text"`
	AuthorName string       `json:"author_name"`
	Status     string       `json:"status,omitempty"` // version 1: published
	CreatedAt  string       `json:"created_at"`
	Flags      []bundleFlag `json:"flags,omitempty"`
}

// bundleResponse is an official response inside a bundle.
type bundleResponse struct {
	Author    string `json:"author"`
	Text      string `json:"text"` // Markdown
	CreatedAt string `json:"created_at"`
}

// bundleRating is one vote inside a bundle: the stored hash of the
// voter's key (hex), never the key.
type bundleRating struct {
	Voter     string `json:"voter"`
	Value     int    `json:"value"`
	CreatedAt string `json:"created_at"`
}

// bundleItem is one contribution inside a bundle.
type bundleItem struct {
	ID         string           `json:"id"`
	Category   string           `json:"category"`
	Type       string           `json:"type"`
	Title      string           `json:"title"`
	Text       string           `json:"text"`
	Geometry   json.RawMessage  `json:"geometry"`
	AuthorName string           `json:"author_name"`
	Origin     string           `json:"origin"`
	Status     string           `json:"status"`
	Reason     string           `json:"reason,omitempty"`
	MergedInto string           `json:"merged_into,omitempty"`
	Up         int              `json:"rating_up"`
	Down       int              `json:"rating_down"`
	CreatedAt  string           `json:"created_at"`
	UpdatedAt  string           `json:"updated_at"`
	Comments   []bundleComment  `json:"comments"`
	Responses  []bundleResponse `json:"responses,omitempty"`
	Ratings    *[]bundleRating  `json:"ratings,omitempty"` // nil in version 1: counts only
	Flags      []bundleFlag     `json:"flags,omitempty"`
}

// BundleWriter streams a bundle: the header, then one contribution at a time.
type BundleWriter struct {
	w     *bufio.Writer
	count int
	// signed bundles (SignedBundleVersion)
	key  []byte
	slug string
	file fileMAC
}

type bundleSignature struct {
	Alg   string `json:"alg"`
	KeyID string `json:"key_id"`
}

// NewBundleWriter writes the header of an unsigned bundle for procedure
// slug.
func NewBundleWriter(w io.Writer, slug string, now time.Time) (*BundleWriter, error) {
	return NewSignedBundleWriter(w, slug, now, nil)
}

// NewSignedBundleWriter writes the header of a bundle signed with key (see
// SignedBundleVersion); a nil key writes an unsigned one.
func NewSignedBundleWriter(w io.Writer, slug string, now time.Time, key []byte) (*BundleWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	b := &BundleWriter{w: bw, key: key, slug: slug}
	stamp := now.UTC().Format(time.RFC3339)
	head := struct {
		Format     string           `json:"format"`
		Version    int              `json:"version"`
		Procedure  string           `json:"procedure"`
		ExportedAt string           `json:"exported_at"`
		Signature  *bundleSignature `json:"signature,omitempty"`
	}{BundleFormat, BundleVersion, slug, stamp, nil}
	if key != nil {
		if err := CheckBundleKey(key); err != nil {
			return nil, err
		}
		head.Version, head.Signature = SignedBundleVersion, &bundleSignature{"HMAC-SHA256", KeyID(key)}
		b.file = newFileMAC(key, slug, stamp)
	}
	raw, _ := json.Marshal(head)
	// the header object, left open for the contributions array
	if _, err := bw.Write(raw[:len(raw)-1]); err != nil {
		return nil, err
	}
	_, err := bw.WriteString(`,"contributions":[`)
	return b, err
}

// Add appends a contribution with everything read with it (see
// store.ExportOptions.All).
func (b *BundleWriter) Add(r *store.ExportRow) error {
	c := r.Contribution
	it := bundleItem{ID: c.ID, Category: c.Category, Type: c.Type, Title: c.Title, Text: c.Text,
		Geometry: geo.MarshalGeometry(c.Geometry), AuthorName: c.AuthorName, Origin: c.Origin,
		Status: string(c.Status), Reason: c.Reason, MergedInto: c.MergedInto, Up: c.Up, Down: c.Down,
		CreatedAt: stampOf(c.CreatedAt), UpdatedAt: stampOf(c.UpdatedAt),
		Comments: []bundleComment{}, Ratings: &[]bundleRating{}}
	commentFlags := map[int64][]bundleFlag{}
	for _, f := range r.Flags {
		bf := bundleFlag{Reason: f.Reason, CreatedAt: stampOf(f.CreatedAt), ResolvedBy: f.ResolvedBy}
		if !f.ResolvedAt.IsZero() {
			bf.ResolvedAt = stampOf(f.ResolvedAt)
		}
		if f.CommentID == 0 {
			it.Flags = append(it.Flags, bf)
		} else {
			commentFlags[f.CommentID] = append(commentFlags[f.CommentID], bf)
		}
	}
	for _, m := range r.Comments {
		it.Comments = append(it.Comments, bundleComment{ID: m.ID, ParentID: m.ParentID, Text: m.Text,
			AuthorName: m.AuthorName, Status: string(m.Status), CreatedAt: stampOf(m.CreatedAt), Flags: commentFlags[m.ID]})
	}
	for _, x := range r.Responses {
		it.Responses = append(it.Responses, bundleResponse{Author: x.Author, Text: x.TextMD, CreatedAt: stampOf(x.CreatedAt)})
	}
	for _, v := range r.Ratings {
		*it.Ratings = append(*it.Ratings, bundleRating{Voter: hex.EncodeToString(v.Voter), Value: v.Value, CreatedAt: stampOf(v.CreatedAt)})
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
	if b.key != nil {
		mac := recordMAC(b.key, b.slug, b.count, b2)
		b.file.add(mac)
		fmt.Fprintf(b.w, `{"n":%d,"mac":"%x","contribution":`, b.count, mac)
		defer b.w.WriteByte('}')
	}
	_, err = b.w.Write(b2)
	return err
}

func stampOf(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Close ends the bundle and flushes it.
func (b *BundleWriter) Close() error {
	tail := "\n]}\n"
	if b.key != nil {
		tail = fmt.Sprintf("\n],\"count\":%d,\"mac\":\"%x\"}\n", b.count, b.file.sum(b.count))
	}
	if _, err := b.w.WriteString(tail); err != nil {
		return err
	}
	return b.w.Flush()
}
