package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/store"
)

// Grouping sorts the synopsis's rows into groups: each contribution's group
// and the groups' names in the order they are written; contributions in
// no group come last, under Rest.
type Grouping struct {
	Labels []string
	Of     map[string]int // contribution id → index into Labels
	Rest   string
}

// TopicGroups groups contributions by the topics (as the analysis page
// shows them, the planners' edits applied); rest names the contributions
// in no topic (waiting, hidden or too short to group).
func TopicGroups(topics []analysis.Topic, rest string) *Grouping {
	g := &Grouping{Of: map[string]int{}, Rest: rest}
	for i, t := range topics {
		g.Labels = append(g.Labels, t.Label)
		for _, id := range t.Members {
			g.Of[id] = i
		}
	}
	return g
}

// writeSynopsisGrouped writes the synopsis's rows group by group, each in
// the store's order. The rows are read once and parked in a temporary file
// (one JSON line each, its place kept per group), so memory holds only
// their offsets however long the discussions are.
func writeSynopsisGrouped(s *stream, sh *sheet) error {
	g := s.opt.Group
	fh, err := os.CreateTemp("", "mitreden-synopsis-*")
	if err != nil {
		return err
	}
	defer os.Remove(fh.Name())
	defer fh.Close()
	type span struct{ off, n int64 }
	groups := make([][]span, len(g.Labels)+1) // the last: in no group
	bw := bufio.NewWriterSize(fh, 256<<10)
	var off int64
	err = s.each(true, func(r *store.ExportRow) error {
		i, ok := g.Of[r.Contribution.ID]
		if !ok {
			i = len(g.Labels)
		}
		cells := synopsisCells(s, r)
		strs := make([]string, len(cells))
		for k, c := range cells {
			strs[k] = c.(string)
		}
		b, err := json.Marshal(strs)
		if err != nil {
			return err
		}
		if _, err := bw.Write(b); err != nil {
			return err
		}
		groups[i] = append(groups[i], span{off, int64(len(b))})
		off += int64(len(b))
		return nil
	})
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	n := 0
	var buf []byte
	for i, spans := range groups {
		label := g.Rest
		if i < len(g.Labels) {
			label = g.Labels[i]
		}
		for _, sp := range spans {
			if int64(cap(buf)) < sp.n {
				buf = make([]byte, sp.n)
			}
			buf = buf[:sp.n]
			if _, err := fh.ReadAt(buf, sp.off); err != nil && err != io.EOF {
				return err
			}
			var strs []string
			if err := json.Unmarshal(buf, &strs); err != nil {
				return fmt.Errorf("export: unable to read back a synopsis row: %w", err)
			}
			n++
			vals := make([]any, 0, len(strs)+2)
			vals = append(vals, n, label)
			for _, v := range strs {
				vals = append(vals, v)
			}
			if err := sh.add(vals, true); err != nil {
				return err
			}
		}
	}
	return nil
}
