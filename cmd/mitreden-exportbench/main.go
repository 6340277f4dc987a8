// Command mitreden-exportbench measures `mitreden export` in every format
// against `sqlite3 -csv` dumping the same rows of the same database: wall
// time, peak resident memory (from the child's rusage) and file size. It
// is part of `make bench`.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

type run struct {
	name    string
	elapsed time.Duration
	peakMB  float64
	sizeMB  float64
}

// measure runs cmd with its standard output in out and returns its wall
// time and peak resident memory.
func measure(name, out string, args ...string) (run, error) {
	fh, err := os.Create(out)
	if err != nil {
		return run{}, err
	}
	defer fh.Close()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout = fh
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return run{}, fmt.Errorf("%s: %w", strings.Join(args, " "), err)
	}
	r := run{name: name, elapsed: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.peakMB = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return r, nil
}

func size(path string) float64 {
	info, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return float64(info.Size()) / 1e6
}

// lines counts the lines of a file without reading it into memory: a
// child's peak RSS (ru_maxrss) starts from this process's, because Go
// starts children with vfork, so this process must stay small.
func lines(path string) int {
	fh, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer fh.Close()
	n := 0
	buf := make([]byte, 64<<10)
	for {
		k, err := fh.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err != nil {
			return n
		}
	}
}

func main() {
	bin := flag.String("bin", "bin/mitreden", "the mitreden binary")
	db := flag.String("db", "bin/bench.db", "database with the benchmark's contributions")
	slug := flag.String("procedure", "gruenzug-altona", "procedure slug")
	formats := flag.String("formats", "csv,xlsx,geojson,gpkg,synopsis,bundle", "formats to measure")
	flag.Parse()
	if _, err := exec.LookPath("sqlite3"); err != nil {
		fmt.Fprintln(os.Stderr, "mitreden-exportbench: sqlite3 is needed for the baseline (apt-get install -y sqlite3)")
		os.Exit(2)
	}
	dir, err := os.MkdirTemp("", "mitreden-exportbench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	// The baseline: the same rows and fields as the CSV export, straight from sqlite3.
	query := `SELECT c.id, c.category, c.type, c.title, c.text, c.author_name, c.origin, c.status, c.reason, c.up, c.down,
		c.comments, c.geom_type, c.created_at, c.updated_at, c.lon, c.lat, c.geometry
		FROM contributions c JOIN procedures p ON p.id = c.procedure_id
		WHERE p.slug = '` + strings.ReplaceAll(*slug, "'", "''") + `' AND c.status != 'withdrawn' ORDER BY c.seq`
	base, err := measure("sqlite3 -csv", filepath.Join(dir, "baseline.csv"), "sqlite3", "-csv", "-header", *db, query)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	base.sizeMB = size(filepath.Join(dir, "baseline.csv"))
	rows := lines(filepath.Join(dir, "baseline.csv")) - 1 // texts have no line breaks in generated data
	fmt.Printf("exports of %s (~%d contributions) from %s\n", *slug, rows, *db)
	// The target is 3 s per 100,000 contributions (scaled for other sizes) and 100 MB.
	limit := time.Duration(float64(3*time.Second) * max(1, float64(rows)/100_000))
	fmt.Printf("%-14s %9s %10s %9s %12s  %s\n", "format", "seconds", "peak MB", "size MB", "× sqlite3", fmt.Sprintf("target < %.0f s, < 100 MB", limit.Seconds()))
	fmt.Printf("%-14s %9.2f %10.0f %9.1f %12s\n", base.name, base.elapsed.Seconds(), base.peakMB, base.sizeMB, "1.0")
	failed := false
	for _, f := range strings.Split(*formats, ",") {
		out := filepath.Join(dir, "export."+f)
		r, err := measure(f, filepath.Join(dir, "stdout"), *bin, "export", "--db", *db, "--procedure", *slug, "--format", f, "--out", out)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		r.sizeMB = size(out)
		verdict := "ok"
		if r.elapsed > limit || r.peakMB > 100 {
			verdict = "MISSED"
			failed = true
		}
		fmt.Printf("%-14s %9.2f %10.0f %9.1f %12.1f  %s\n", r.name, r.elapsed.Seconds(), r.peakMB, r.sizeMB, r.elapsed.Seconds()/base.elapsed.Seconds(), verdict)
	}
	if failed {
		fmt.Println("some exports missed the target")
	}
}
