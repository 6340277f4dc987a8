package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/demo"
	"github.com/mitreden/mitreden/internal/export"
	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/workshop"
	"github.com/mitreden/mitreden/locales"
)

// procedureFor opens the database at db and loads procedure slug.
func procedureFor(ctx context.Context, db, slug string) (*store.Store, *model.Procedure, error) {
	if slug == "" {
		return nil, nil, usageError{"--procedure is required"}
	}
	if _, err := os.Stat(db); err != nil {
		return nil, nil, usageError{fmt.Sprintf("database %s not found", db)}
	}
	st, _, err := openStore(ctx, db, "FULL")
	if err != nil {
		return nil, nil, err
	}
	p, err := st.ProcedureBySlug(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		st.Close()
		return nil, nil, usageError{fmt.Sprintf("no procedure %q", slug)}
	}
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, p, nil
}

func (c *cli) export(args []string) error {
	fs := c.flags("export", "Writes a procedure's contributions (all but those their authors withdrew; a bundle holds\nthose too, with every comment, official response, rating and report) in one format.\nA terminal shows a progress bar; the file appears complete or not at all.")
	db := config.DBFlag(fs, c.env)
	slug := fs.String("procedure", "", "procedure slug (required)")
	format := fs.String("format", "", "csv, csv-de (German Excel: \";\", CRLF, decimal commas), xlsx, geojson, gpkg, synopsis, bundle, or procedure (the procedure itself, for a workshop laptop: a folder, or a .zip) (required)")
	out := fs.String("out", "", `target file (required; "-" writes to standard output, except gpkg)`)
	locale := fs.String("locale", "de", "language of labels and spreadsheet headings (de, en, de-x-ls)")
	keyFile := c.bundleKeyFlag(fs)
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *format == "procedure" {
		if *out == "" {
			return usageError{"--out is required"}
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return c.exportProcedure(ctx, *db, *slug, *out)
	}
	f, err := export.ParseFormat(*format)
	if err != nil {
		return usageError{err.Error()}
	}
	if *out == "" {
		return usageError{"--out is required"}
	}
	if *out == "-" && f == export.GPKG {
		return usageError{"a GeoPackage is a database file; give --out a file name"}
	}
	i18n, err := content.LoadI18n(locales.FS)
	if err != nil {
		return err
	}
	if !i18n.Has(*locale) {
		return usageError{fmt.Sprintf("unknown locale %q", *locale)}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, p, err := procedureFor(ctx, *db, *slug)
	if err != nil {
		return err
	}
	defer st.Close()
	z := i18n.Localizer(*locale)
	opt := export.Options{Locale: *locale, T: func(id string) string { return z.T(id) }}
	if f == export.Bundle {
		if opt.BundleKey, err = c.bundleKey(*keyFile); err != nil {
			return err
		}
		if opt.BundleKey == nil {
			fmt.Fprintln(c.stderr, "warning: no bundle key (--bundle-key-file or MITREDEN_BUNDLE_KEY): the bundle is unsigned and will only be imported with --allow-unsigned")
		}
	}
	if *out == "-" {
		return export.Write(ctx, st, f, p, c.stdout, opt)
	}
	bar := newProgress(c.stderr, 0, "contributions")
	opt.Progress = func(done, total int) { bar.total = total; bar.Set(done) }
	err = export.WriteFile(ctx, st, f, p, *out, opt)
	bar.Done()
	if err != nil {
		return err
	}
	info, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "wrote %s export of %s to %s (%d bytes)\n", f, p.Slug, *out, info.Size())
	return nil
}

func (c *cli) importFile(args []string) error {
	fs := c.flags("import", "Imports a workshop bundle (from `mitreden export --format bundle`) or a GeoJSON\nFeatureCollection of contributions into a procedure. Contributions already\nthere are skipped, so importing the same file twice adds nothing.\nA signed bundle is checked record by record before anything is written and\nimported in one transaction; a changed, cut or foreign one is refused whole.\nUnsigned bundles are refused unless --allow-unsigned is given.\n\nUsage: mitreden import --procedure SLUG [flags] FILE")
	db := config.DBFlag(fs, c.env)
	slug := fs.String("procedure", "", "procedure slug (required)")
	keyFile := c.bundleKeyFlag(fs)
	allowUnsigned := fs.Bool("allow-unsigned", false, "also import an unsigned bundle (version 2 or older, or one exported without a key); only for a file whose way you trust")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch len(files) {
	case 0:
		return usageError{"import needs a FILE; usage: mitreden import --procedure SLUG [flags] FILE"}
	case 1:
	default:
		return usageError{fmt.Sprintf("import takes one FILE, got %d: %s", len(files), quoteList(files))}
	}
	file := files[0]
	key, err := c.bundleKey(*keyFile)
	if err != nil {
		return err
	}
	fh, err := os.Open(file)
	if err != nil {
		return usageError{fmt.Sprintf("cannot read %s: %v", file, errors.Unwrap(err))}
	}
	defer fh.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, p, err := procedureFor(ctx, *db, *slug)
	if err != nil {
		return err
	}
	defer st.Close()
	bar := newProgress(c.stderr, 0, "contributions")
	d := &workshop.Decoder{Procedure: p, Limits: geo.DefaultLimits(), Key: key, RequireSigned: !*allowUnsigned}
	res, err := workshop.Import(ctx, st, d, fh, func(r store.ImportResult) {
		bar.total = r.Added + r.Skipped
		bar.Set(r.Added + r.Skipped)
	})
	bar.Done()
	if err != nil {
		if errors.Is(err, workshop.ErrUnsigned) {
			return usageError{fmt.Sprintf("%s: %v; give --allow-unsigned to import it anyway", file, err)}
		}
		if errors.Is(err, workshop.ErrTampered) || (errors.Is(err, workshop.ErrInvalid) && key != nil) {
			return usageError{fmt.Sprintf("%s: %v", file, err)} // one transaction: nothing was written
		}
		if errors.Is(err, workshop.ErrInvalid) {
			return usageError{fmt.Sprintf("%v (before it: %d imported, %d already there)", err, res.Added, res.Skipped)}
		}
		return err
	}
	if err := st.Audit(ctx, "cli", "contributions.import", p.Slug, nil, map[string]any{"file": file, "added": res.Added, "skipped": res.Skipped,
		"comments": res.Comments, "responses": res.Responses, "ratings": res.Ratings, "reports": res.Flags}); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "imported %d contributions into %s; %d were already there; added %d comments, %d official responses, %d ratings, %d reports\n",
		res.Added, p.Slug, res.Skipped, res.Comments, res.Responses, res.Ratings, res.Flags)
	return nil
}

func (c *cli) procedureAdd(args []string) error {
	fs := c.flags("procedure add", "Creates a procedure from a folder in the format of data/demo: procedure.json (slug,\ntitle, texts, phases with starts_at/ends_at, categories, area, map, settings, pages)\nand the Markdown pages it names. Contributions come later, from residents or `mitreden import`.")
	db := config.DBFlag(fs, c.env)
	dir := fs.String("dir", "", "folder with procedure.json (this or --from is required)")
	from := fs.String("from", "", "a procedure export (`mitreden export --format procedure`): its folder or .zip")
	samples := fs.Bool("samples", false, "also load the folder's contributions.geojson as sample contributions")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	fsys, done, err := procedureSource(*dir, *from)
	if err != nil {
		return err
	}
	defer done()
	seed, err := demo.ReadProcedure(fsys, time.Now())
	if err != nil {
		return usageError{err.Error()}
	}
	if len(seed.Procedure.Categories) == 0 {
		return usageError{"procedure.json needs at least one category"}
	}
	ctx := context.Background()
	st, _, err := openStore(ctx, *db, "FULL")
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.ProcedureBySlug(ctx, seed.Procedure.Slug); err == nil {
		return usageError{fmt.Sprintf("a procedure %q exists already", seed.Procedure.Slug)}
	}
	if *samples {
		_, err = demo.Load(ctx, st, fsys, time.Now())
	} else {
		_, err = st.CreateProcedure(ctx, seed)
	}
	if errors.Is(err, store.ErrConflict) {
		return usageError{fmt.Sprintf("a procedure %q exists already", seed.Procedure.Slug)}
	}
	if err != nil {
		return err
	}
	if err := st.Audit(ctx, "cli", "procedure.add", seed.Procedure.Slug, nil, map[string]any{"dir": *dir, "from": *from}); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "created procedure %s with %d pages\n", seed.Procedure.Slug, len(seed.Pages))
	if s := seed.Procedure.State(); s != model.LifecyclePublished {
		fmt.Fprintf(c.stdout, "status: %s\n", s)
	}
	return nil
}

// quoteList quotes names for a message: "a", "b".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
