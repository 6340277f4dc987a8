package export_test

import (
	"context"
	"io"
	"testing"

	"github.com/mitreden/mitreden/internal/demo"
	"github.com/mitreden/mitreden/internal/export"
)

// BenchmarkExport writes 20,000 generated contributions in each streamed
// format (make bench measures 100,000 through the binary, against sqlite3).
func BenchmarkExport(b *testing.B) {
	st := openStore(b)
	p := newProcedure(b, st)
	const n = 20_000
	if err := demo.Generate(context.Background(), st, p, n, 1, nil); err != nil {
		b.Fatal(err)
	}
	for _, f := range []export.Format{export.CSV, export.XLSX, export.GeoJSON, export.Synopsis, export.Bundle} {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := export.Write(context.Background(), st, f, p, io.Discard, export.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/contribution")
		})
	}
}
