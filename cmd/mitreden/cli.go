package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/mitreden/mitreden/internal/accounts"
	"github.com/mitreden/mitreden/internal/app"
	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/demo"
	"github.com/mitreden/mitreden/internal/logbuf"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Exit codes: 0 success, 1 failure while working, 2 bad usage or input.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

const usage = `Mitreden – digital participation for urban planning

Usage: mitreden <command> [flags]

Commands:
  serve     run the web server (migrates first)
  migrate   apply pending database migrations
  user add  create an account
  token create  print a new API token for an account
  procedure add  create a procedure from a folder (procedure.json, pages/*.md)
  export    write a procedure's contributions (csv, xlsx, geojson, gpkg, synopsis, bundle)
  analyse   write a procedure's analysis (pdf, xlsx, json, gpkg)
  import    import a workshop bundle or a GeoJSON of contributions, idempotently
  demo      generate synthetic contributions
  backup    write a consistent copy of the database
  purge     apply the procedures' retention rules now (erase old withdrawn/hidden texts)
  table link  print a workshop table's kiosk address with its key

Run "mitreden <command> --help" for a command's flags.
Every flag has a MITREDEN_* environment variable; see the README.
`

type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            config.Env
}

// usageError is bad input from the operator: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer, env config.Env) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, env: env}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "serve":
		err = c.serve(args[1:])
	case "migrate":
		err = c.migrate(args[1:])
	case "user":
		if len(args) < 2 || args[1] != "add" {
			err = usageError{"usage: mitreden user add --email E --role admin|planner|moderator [--password-stdin]"}
		} else {
			err = c.userAdd(args[2:])
		}
	case "token":
		if len(args) < 2 || args[1] != "create" {
			err = usageError{"usage: mitreden token create --email E"}
		} else {
			err = c.tokenCreate(args[2:])
		}
	case "demo":
		err = c.demo(args[1:])
	case "backup":
		err = c.backup(args[1:])
	case "purge":
		err = c.purge(args[1:])
	case "procedure":
		if len(args) < 2 || args[1] != "add" {
			err = usageError{"usage: mitreden procedure add --dir DIR [--samples]"}
		} else {
			err = c.procedureAdd(args[2:])
		}
	case "export":
		err = c.export(args[1:])
	case "analyse":
		err = c.analyse(args[1:])
	case "import":
		err = c.importFile(args[1:])
	case "table":
		if len(args) < 2 || args[1] != "link" {
			err = usageError{"usage: mitreden table link --procedure SLUG --table N [--db FILE] [--base-url URL]"}
		} else {
			err = c.tableLink(args[2:])
		}
	default:
		fmt.Fprintf(stderr, "mitreden: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "mitreden:", ue.msg)
		return exitUsage
	default:
		fmt.Fprintln(stderr, "mitreden:", err)
		return exitFail
	}
}

// flags makes a flag set that reports errors as usage errors.
func (c *cli) flags(name, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "Usage: mitreden %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses a command that takes flags only.
func (c *cli) parse(fs *flag.FlagSet, args []string) error {
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", rest[0])}
	}
	return nil
}

// parseInterspersed parses flags wherever they stand among the arguments
// (the standard flag package stops at the first argument, so
// `import FILE --db X` would leave --db unread) and returns the positional
// arguments in order. "--" ends the flags: everything after it is
// positional. Errors are usage errors, except a request for help.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		rest := fs.Args()
		if consumed := args[:len(args)-len(rest)]; len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func openStore(ctx context.Context, path string, sync string) (*store.Store, int, error) {
	st, err := store.Open(path, store.Options{Synchronous: sync})
	if err != nil {
		return nil, 0, err
	}
	v, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, v, err
	}
	return st, v, nil
}

func (c *cli) serve(args []string) error {
	fs := c.flags("serve", "Runs migrations, optionally loads the demo into an empty database, and serves.")
	finish := config.ServeFlags(fs, c.env)
	if err := c.parse(fs, args); err != nil {
		return err
	}
	cfg, err := finish()
	if err != nil {
		return usageError{err.Error()}
	}
	// The server's log is buffered (internal/logbuf): one write per
	// 100 ms instead of one per request; warnings and errors go out at once.
	lw := logbuf.New(c.stderr, logbuf.DefaultInterval)
	defer lw.Close()
	log := slog.New(logbuf.Urgent(slog.NewJSONHandler(lw, &slog.HandlerOptions{Level: slog.LevelInfo}), lw, slog.LevelWarn))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, v, err := openStore(ctx, cfg.DB, strings.ToUpper(cfg.Synchronous))
	if err != nil {
		return err
	}
	defer st.Close()
	log.Info("database ready", "db", cfg.DB, "schema_version", v)
	secret, err := auth.LoadSecret(cfg.SecretKey, cfg.DB)
	if err != nil {
		return err
	}
	cfg.SecretKey = string(secret)
	if err := c.firstStart(ctx, st, cfg, log); err != nil {
		return err
	}
	srv, fapp, err := app.New(cfg, st, log)
	if err != nil {
		return err
	}
	srv.AccessLog = lw // request lines by hand, in the JSON handler's shape
	var mailDone chan struct{}
	if srv.Mail != nil {
		// The outbox worker: stops with ctx, after the message in hand.
		mailDone = make(chan struct{})
		go func() { defer close(mailDone); srv.Mail.Run(ctx) }()
	}
	errc := make(chan error, 1)
	go func() { errc <- fapp.Listen(cfg.Addr) }()
	log.Info("serving", "addr", cfg.Addr, "base_url", cfg.BaseURL)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	srv.Shutdown()
	if err := fapp.ShutdownWithTimeout(15 * time.Second); err != nil {
		log.Warn("shutdown", "error", err.Error())
	}
	if mailDone != nil {
		<-mailDone
	}
	return nil
}

// firstStart creates the admin from the environment and loads the demo
// into an empty database.
func (c *cli) firstStart(ctx context.Context, st *store.Store, cfg config.Config, log *slog.Logger) error {
	if cfg.AdminEmail != "" {
		n, err := st.CountUsers(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			if err := createUser(ctx, st, cfg.AdminEmail, string(model.RoleAdmin), cfg.AdminPassword); err != nil {
				return err
			}
			log.Info("created admin account from MITREDEN_ADMIN_EMAIL")
		}
	}
	if cfg.Demo {
		n, err := st.CountProcedures(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			sub, err := subFS()
			if err != nil {
				return err
			}
			slug, err := demo.Load(ctx, st, sub, time.Now())
			if err != nil {
				return err
			}
			log.Info("loaded demo procedure", "slug", slug)
		}
	}
	return nil
}

func (c *cli) migrate(args []string) error {
	fs := c.flags("migrate", "Applies pending migrations and reports the schema version.")
	db := config.DBFlag(fs, c.env)
	if err := c.parse(fs, args); err != nil {
		return err
	}
	st, v, err := openStore(context.Background(), *db, "FULL")
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(c.stdout, "schema version %d (%s)\n", v, *db)
	return nil
}

// slugList is a repeatable flag of procedure slugs.
type slugList []string

func (l *slugList) String() string { return strings.Join(*l, ",") }

func (l *slugList) Set(v string) error {
	if !model.ValidSlug(v) {
		return fmt.Errorf("%q is not a procedure slug", v)
	}
	*l = append(*l, v)
	return nil
}

func createUser(ctx context.Context, st *store.Store, email, role, password string, procedures ...string) error {
	var ids []int64
	for _, slug := range procedures {
		p, err := st.ProcedureBySlug(ctx, slug)
		if errors.Is(err, store.ErrNotFound) {
			return usageError{fmt.Sprintf("no procedure %q", slug)}
		}
		if err != nil {
			return err
		}
		ids = append(ids, p.ID)
	}
	_, err := accounts.CreateIn(ctx, st, "cli", email, role, password, ids)
	var ie accounts.InputError
	if errors.As(err, &ie) {
		return usageError{ie.Msg}
	}
	return err
}

func (c *cli) userAdd(args []string) error {
	fs := c.flags("user add", "Creates an account. The password is read from standard input (--password-stdin) or generated and printed.")
	db := config.DBFlag(fs, c.env)
	email := fs.String("email", "", "email address of the account (required)")
	role := fs.String("role", "", "admin, planner or moderator (required)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	var procedures slugList
	fs.Var(&procedures, "procedure", "a procedure (slug) a planner or moderator acts in; repeat for several; none: all procedures")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *email == "" || *role == "" {
		return usageError{"--email and --role are required"}
	}
	password := ""
	generated := false
	if *pwStdin {
		line, err := bufio.NewReader(c.stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password = auth.NewToken()[:20]
		generated = true
	}
	ctx := context.Background()
	st, _, err := openStore(ctx, *db, "FULL")
	if err != nil {
		return err
	}
	defer st.Close()
	if err := createUser(ctx, st, *email, *role, password, procedures...); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "created %s account %s\n", *role, *email)
	if len(procedures) > 0 {
		fmt.Fprintf(c.stdout, "acts only in: %s\n", strings.Join(procedures, ", "))
	}
	if generated {
		fmt.Fprintf(c.stdout, "password: %s\n", password)
	}
	return nil
}

func (c *cli) tokenCreate(args []string) error {
	fs := c.flags("token create", "Prints a new API token for an account (the last word of the output).")
	db := config.DBFlag(fs, c.env)
	email := fs.String("email", "", "email address of the account (required)")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *email == "" {
		return usageError{"--email is required"}
	}
	ctx := context.Background()
	st, _, err := openStore(ctx, *db, "FULL")
	if err != nil {
		return err
	}
	defer st.Close()
	tok, u, err := accounts.NewToken(ctx, st, "cli", *email)
	var ie accounts.InputError
	if errors.As(err, &ie) {
		return usageError{ie.Msg}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "API token for %s: %s\n", u.Email, tok)
	return nil
}

func (c *cli) demo(args []string) error {
	fs := c.flags("demo", "Generates N realistic synthetic contributions inside a procedure's area.")
	db := config.DBFlag(fs, c.env)
	slug := fs.String("procedure", "", "procedure slug (default: the demo procedure, loaded if the database is empty)")
	n := fs.Int("contributions", 1000, "number of contributions to generate")
	seed := fs.Uint64("seed", 1, "random seed (same seed, same data)")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *n < 0 || *n > 10_000_000 {
		return usageError{"--contributions must be between 0 and 10000000"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, _, err := openStore(ctx, *db, "NORMAL")
	if err != nil {
		return err
	}
	defer st.Close()
	if *slug == "" {
		sub, err := subFS()
		if err != nil {
			return err
		}
		seedProc, err := demo.ReadProcedure(sub, time.Now())
		if err != nil {
			return err
		}
		*slug = seedProc.Procedure.Slug
		if _, err := st.ProcedureBySlug(ctx, *slug); errors.Is(err, store.ErrNotFound) {
			if _, err := demo.Load(ctx, st, sub, time.Now()); err != nil {
				return err
			}
		}
	}
	p, err := st.ProcedureBySlug(ctx, *slug)
	if errors.Is(err, store.ErrNotFound) {
		return usageError{fmt.Sprintf("no procedure %q", *slug)}
	}
	if err != nil {
		return err
	}
	bar := newProgress(c.stdout, *n, "contributions")
	start := time.Now()
	if err := demo.Generate(ctx, st, p, *n, *seed, bar.Set); err != nil {
		return err
	}
	bar.Done()
	fmt.Fprintf(c.stdout, "generated %d contributions in %s for %s\n", *n, time.Since(start).Round(time.Millisecond), p.Slug)
	return nil
}

func (c *cli) backup(args []string) error {
	fs := c.flags("backup", "Writes a consistent online copy of the database (VACUUM INTO) while the server runs.")
	db := config.DBFlag(fs, c.env)
	out := fs.String("out", "", "target file, must not exist (required)")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"--out is required"}
	}
	if _, err := os.Stat(*out); err == nil {
		return usageError{fmt.Sprintf("%s exists already; choose a new file", *out)}
	}
	if _, err := os.Stat(*db); err != nil {
		return usageError{fmt.Sprintf("database %s not found", *db)}
	}
	ctx := context.Background()
	st, err := store.Open(*db, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "backup written to %s\n", *out)
	return nil
}

// progress draws a bar on a terminal and stays quiet otherwise.
type progress struct {
	w     io.Writer
	total int
	what  string
	tty   bool
	start time.Time
}

func newProgress(w io.Writer, total int, what string) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &progress{w: w, total: total, what: what, tty: tty, start: time.Now()}
}

func (p *progress) Set(done int) {
	if !p.tty || p.total == 0 {
		return
	}
	const width = 30
	filled := width * done / p.total
	rate := float64(done) / time.Since(p.start).Seconds()
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d %s (%.0f/s)", strings.Repeat("█", filled), strings.Repeat("·", width-filled), done, p.total, p.what, rate)
}

func (p *progress) Done() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
