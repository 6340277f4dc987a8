package export

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/store"
)

// writeGeoJSON writes an RFC 7946 FeatureCollection in EPSG:4326 with the
// planner's properties (status and moderation reason included).
// Contributions without a place have a null geometry.
func writeGeoJSON(s *stream, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(`{"type":"FeatureCollection","name":`); err != nil {
		return err
	}
	name, _ := json.Marshal(s.p.Slug)
	bw.Write(name)
	bw.WriteString(`,"features":[`)
	props := make(map[string]any, len(columns))
	first := true
	err := s.each(false, func(r *store.ExportRow) error {
		c := r.Contribution
		for _, col := range columns {
			if col.key == "id" {
				continue
			}
			v := col.get(s.p, s.opt.Locale, c)
			if col.num {
				n, _ := strconv.Atoi(v)
				props[col.key] = n
			} else {
				props[col.key] = v
			}
		}
		pj, err := json.Marshal(props)
		if err != nil {
			return err
		}
		id, _ := json.Marshal(c.ID)
		if !first {
			bw.WriteByte(',')
		}
		first = false
		bw.WriteString("\n{\"type\":\"Feature\",\"id\":")
		bw.Write(id)
		bw.WriteString(`,"geometry":`)
		bw.Write(geo.MarshalGeometry(c.Geometry))
		bw.WriteString(`,"properties":`)
		bw.Write(pj)
		return bw.WriteByte('}')
	})
	if err != nil {
		return err
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}
