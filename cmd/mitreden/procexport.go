package main

import (
	"archive/zip"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mitreden/mitreden/internal/demo"
)

// exportProcedure writes procedure slug itself — not its contributions —
// as a folder, or as a zip of that folder when out ends in ".zip", for
// `mitreden procedure add` on a workshop laptop.
func (c *cli) exportProcedure(ctx context.Context, db, slug, out string) error {
	if out == "-" {
		return usageError{"a procedure export is a folder or a .zip; give --out a name"}
	}
	st, p, err := procedureFor(ctx, db, slug)
	if err != nil {
		return err
	}
	defer st.Close()
	seed, err := demo.ExportProcedure(ctx, st, p)
	if err != nil {
		return err
	}
	if strings.HasSuffix(strings.ToLower(out), ".zip") {
		tmp, err := os.CreateTemp(filepath.Dir(out), ".mitreden-procedure-*.zip")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		zw := zip.NewWriter(tmp)
		err = demo.WriteProcedure(demo.ZipFolder{W: zw}, seed)
		if err == nil {
			err = zw.Close()
		}
		if err == nil {
			err = tmp.Close()
		} else {
			tmp.Close()
		}
		if err == nil {
			err = os.Rename(tmp.Name(), out)
		}
		if err != nil {
			return err
		}
	} else {
		if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
			return usageError{fmt.Sprintf("%s is not empty; a procedure export needs a new or empty folder", out)}
		}
		if err := demo.WriteProcedure(demo.DirFolder(out), seed); err != nil {
			return err
		}
	}
	fmt.Fprintf(c.stdout, "wrote procedure %s (%d pages, %d plan variants, %d files) to %s\n",
		p.Slug, len(seed.Pages), len(seed.Conceptions), len(seed.Files), out)
	return nil
}

// procedureSource opens the folder or the zip `procedure add` reads.
func procedureSource(dir, from string) (fs.FS, func(), error) {
	switch {
	case dir != "" && from != "":
		return nil, nil, usageError{"give either --dir or --from, not both"}
	case dir != "":
		if _, err := os.Stat(filepath.Join(dir, "procedure.json")); err != nil {
			return nil, nil, usageError{fmt.Sprintf("no procedure.json in %s", dir)}
		}
		return os.DirFS(dir), func() {}, nil
	case from != "":
		if info, err := os.Stat(from); err == nil && info.IsDir() {
			return procedureSource(from, "")
		}
		z, err := zip.OpenReader(from)
		if err != nil {
			return nil, nil, usageError{fmt.Sprintf("cannot read %s as a procedure export (.zip): %v", from, err)}
		}
		if _, err := fs.Stat(z, "procedure.json"); err != nil {
			z.Close()
			return nil, nil, usageError{fmt.Sprintf("no procedure.json in %s", from)}
		}
		return z, func() { z.Close() }, nil
	}
	return nil, nil, usageError{"--dir or --from is required"}
}
