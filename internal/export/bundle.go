package export

import (
	"io"

	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/workshop"
)

// writeBundle writes the workshop bundle: every exportable contribution
// with its published comments, for `mitreden import` on another instance.
func writeBundle(s *stream, w io.Writer) error {
	bw, err := workshop.NewBundleWriter(w, s.p.Slug, s.opt.now())
	if err != nil {
		return err
	}
	err = s.each(true, func(r *store.ExportRow) error {
		return bw.Add(r.Contribution, r.Comments)
	})
	if err != nil {
		return err
	}
	return bw.Close()
}
