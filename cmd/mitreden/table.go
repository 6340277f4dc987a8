package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/store"
)

// tableLink prints the kiosk address of a workshop table with its key
// (DESIGN: mitreden table link). The key is signed with the same secret the
// server uses: MITREDEN_SECRET_KEY, or the file beside the database.
func (c *cli) tableLink(args []string) error {
	fs := c.flags("table link", "Prints the kiosk address of workshop table N: /table/SLUG?table=N&key=…\n(absolute when a base URL is set). Open it on the table's touch screen.")
	db := config.DBFlag(fs, c.env)
	slug := fs.String("procedure", "", "procedure slug (required)")
	n := fs.Int("table", 0, "table number, 1 to 999 (required)")
	baseDef, _ := c.env("MITREDEN_BASE_URL")
	base := fs.String("base-url", baseDef, "public base URL; the link is relative without it (MITREDEN_BASE_URL)")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *slug == "" {
		return usageError{"--procedure is required"}
	}
	if *n < 1 || *n > 999 {
		return usageError{fmt.Sprintf("--table must be a whole number from 1 to 999, got %d", *n)}
	}
	if _, err := os.Stat(*db); err != nil {
		return usageError{fmt.Sprintf("no database at %s (give --db or MITREDEN_DB)", *db)}
	}
	ctx := context.Background()
	st, _, err := openStore(ctx, *db, "FULL")
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := st.ProcedureBySlug(ctx, *slug)
	if errors.Is(err, store.ErrNotFound) {
		return usageError{fmt.Sprintf("no procedure %q", *slug)}
	}
	if err != nil {
		return err
	}
	configured, _ := c.env("MITREDEN_SECRET_KEY")
	secret, err := auth.LoadSecret(configured, *db)
	if err != nil {
		return err
	}
	link := "/table/" + p.Slug + "?table=" + strconv.Itoa(*n) + "&key=" + auth.TableKey(secret, p.Slug, *n)
	if b := strings.TrimRight(strings.TrimSpace(*base), "/"); b != "" {
		link = b + link
	}
	fmt.Fprintln(c.stdout, link)
	return nil
}
