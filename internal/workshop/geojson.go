package workshop

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/google/uuid"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// geoFeature is a GeoJSON Feature of a contribution.
type geoFeature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties struct {
		Title      string `json:"title"`
		Text       string `json:"text"`
		Category   string `json:"category"`
		Type       string `json:"type"`
		AuthorName string `json:"author_name"`
		CreatedAt  string `json:"created_at"`
	} `json:"properties"`
}

// feature decodes and checks one GeoJSON Feature. Its import key is its
// "id" member, or a digest of its content when it has none, so importing
// the same file twice adds nothing.
func (d *Decoder) feature(dec *json.Decoder, n int) (store.ImportItem, error) {
	var f geoFeature
	if err := dec.Decode(&f); err != nil {
		return store.ImportItem{}, invalid(n, "%v", err)
	}
	if f.Type != "Feature" {
		return store.ImportItem{}, invalid(n, `"type" must be "Feature"`)
	}
	p := f.Properties
	var key string
	switch id := strings.TrimSpace(string(f.ID)); {
	case id == "" || id == "null":
		h := sha256.New()
		for _, s := range []string{string(f.Geometry), p.Category, p.Type, p.Title, p.Text, p.AuthorName} {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
		key = "geojson:sha256:" + hex.EncodeToString(h.Sum(nil))
	case len(id) > 200:
		return store.ImportItem{}, invalid(n, `"id" is longer than 200 characters`)
	default:
		var s string
		var num json.Number
		if json.Unmarshal(f.ID, &s) != nil && json.Unmarshal(f.ID, &num) != nil {
			return store.ImportItem{}, invalid(n, `"id" must be a string or a number`)
		}
		key = "geojson:id:" + s + num.String()
	}
	// A UUID id (as Mitreden's own GeoJSON export writes) is kept, so a
	// contribution travelling between instances stays one contribution.
	id := uuid.NewString()
	if u, err := uuid.Parse(strings.Trim(string(f.ID), `"`)); err == nil && `"`+u.String()+`"` == string(f.ID) {
		id = u.String()
	}
	c, err := d.contribution(n, id, p.Category, p.Type, p.Title, p.Text, p.AuthorName, "import", f.Geometry)
	if err != nil {
		return store.ImportItem{}, err
	}
	c.Status = model.Published
	if c.CreatedAt, err = d.stamp(p.CreatedAt); err != nil {
		return store.ImportItem{}, invalid(n, "created_at: %v", err)
	}
	c.UpdatedAt = c.CreatedAt
	return store.ImportItem{Key: key, Contribution: c}, nil
}
