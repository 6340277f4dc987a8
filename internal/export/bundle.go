package export

import (
	"io"

	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/workshop"
)

// writeBundle writes the workshop bundle, for `mitreden import` on another
// instance: every contribution, withdrawn ones too, with everything that
// belongs to it (store.ExportOptions.All).
func writeBundle(s *stream, w io.Writer) error {
	bw, err := workshop.NewSignedBundleWriter(w, s.p.Slug, s.opt.now(), s.opt.BundleKey)
	if err != nil {
		return err
	}
	err = s.eachAll(func(r *store.ExportRow) error { return bw.Add(r) })
	if err != nil {
		return err
	}
	return bw.Close()
}
