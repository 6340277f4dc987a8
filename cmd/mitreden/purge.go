package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/retention"
)

// purge applies the procedures' retention rules now (DESIGN: mitreden
// purge): the text of withdrawn and hidden contributions older than the
// procedure's retention period is erased, a tombstone keeps the counts.
func (c *cli) purge(args []string) error {
	fs := c.flags("purge", "Applies the procedures' retention rules now: erases the text, author name and place of\nwithdrawn and hidden contributions whose retention period has passed (the server does\nthis daily). A tombstone keeps status, category and times for the statistics.")
	db := config.DBFlag(fs, c.env)
	dry := fs.Bool("dry-run", false, "only report what would be erased")
	if err := c.parse(fs, args); err != nil {
		return err
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
	svc := retention.New(st)
	now := time.Now()
	var plan []retention.Due
	if *dry {
		plan, err = svc.Plan(ctx, now)
	} else {
		bar := newProgress(c.stderr, 0, "contributions")
		plan, err = svc.Purge(ctx, now, func(done, total int) { bar.total = total; bar.Set(done) })
		bar.Done()
	}
	if err != nil {
		return err
	}
	total := 0
	for _, d := range plan {
		n := d.Erased
		if *dry {
			n = len(d.IDs)
		}
		total += n
		fmt.Fprintf(c.stdout, "%s: %d (retention %d days)\n", d.Slug, n, d.Days)
	}
	if *dry {
		fmt.Fprintf(c.stdout, "dry run: %d contributions would be erased\n", total)
	} else {
		fmt.Fprintf(c.stdout, "erased the text of %d contributions\n", total)
	}
	return nil
}
