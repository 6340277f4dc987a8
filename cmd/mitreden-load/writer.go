package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// writerRun measures durable submits of located contributions through the
// server against a minimal writer built with the same libraries, in one
// run: a Fiber server in this process that decodes the same request, builds
// the same row (feature bytes, manage token hash), queues it for one writer
// goroutine that commits whatever queued up in one transaction (WAL,
// synchronous=NORMAL, mattn/go-sqlite3) and answers only after the commit.
// Its rows are Mitreden's: the contributions row (FTS5 by trigger), the
// spatial index entry, the ten tile counters, the event and the procedure's
// version. It has no validation, no savepoints and no middleware. dbPath,
// when set, is the server's database: the minimal writer then writes into a
// copy of it, so that both write into tables of the same size.
func writerRun(client *http.Client, base, slug, dbPath string, conns int, dur time.Duration) error {
	a, err := areaBound(client, base, slug)
	if err != nil {
		return err
	}
	cat := firstCategory(client, base, slug)
	body := func(i int64, located bool) string {
		if !located {
			return fmt.Sprintf(`{"type":"Feature","geometry":null,"properties":{"title":"Lasttest %d","text":"Ein Beitrag aus dem Lasttest.","category":%q}}`, i, cat)
		}
		// A point on a fixed pseudo-random walk through the area (same
		// sequence for both writers).
		fx := float64((i*7919)%1000) / 1000
		fy := float64((i*104729)%997) / 997
		lon := a[0] + (a[2]-a[0])*(0.1+0.8*fx)
		lat := a[1] + (a[3]-a[1])*(0.1+0.8*fy)
		return fmt.Sprintf(`{"type":"Feature","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},"properties":{"title":"Lasttest %d","text":"Ein Beitrag aus dem Lasttest.","category":%q}}`, lon, lat, i, cat)
	}
	post := func(u string, located bool) func(int64) *http.Request {
		return func(i int64) *http.Request {
			r, _ := http.NewRequest("POST", u, strings.NewReader(body(i, located)))
			r.Header.Set("Content-Type", "application/json")
			return r
		}
	}
	mw, err := startMinimalWriter(slug, cat, dbPath, base)
	if err != nil {
		return fmt.Errorf("minimal writer: %w", err)
	}
	defer mw.close()
	// Alternate short rounds, so that both see the same share of a busy
	// machine; first located contributions (points: spatial index and tile
	// counters), then ones without a place.
	const rounds = 5
	for _, kind := range []struct {
		name    string
		located bool
	}{{"point", true}, {"no geometry", false}} {
		var sub, raw result
		for i := 0; i < rounds; i++ {
			sub = merge(sub, load("submit ("+kind.name+")", conns, dur/rounds, client, post(base+"/api/v1/procedures/"+slug+"/contributions", kind.located)))
			raw = merge(raw, load("minimal writer ("+kind.name+")", conns, dur/rounds, client, post(mw.url, kind.located)))
		}
		fmt.Println(sub)
		fmt.Println(raw)
		fmt.Printf("submit / minimal writer (%s): %.2f\n", kind.name, sub.rps()/raw.rps())
		located := kind.located
		if rate, err := mw.direct(conns, dur/2, func(i int64) string { return body(i, located) }); err == nil {
			fmt.Printf("minimal writer (%s) in process, without HTTP: %.0f rows/s\n", kind.name, rate)
		} else {
			fmt.Println("minimal writer without HTTP:", err)
		}
	}
	return nil
}

type minimalWriter struct {
	app   *fiber.App
	db    *sql.DB
	queue chan minimalRow
	dir   string
	url   string
	done  chan struct{}
	pid   int64
}

// row decodes a request body into the row to store.
func (m *minimalWriter) row(body []byte, pid int64) (minimalRow, error) {
	var in struct {
		Geometry   json.RawMessage `json:"geometry"`
		Properties struct {
			Title, Text, Category string
		} `json:"properties"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return minimalRow{}, err
	}
	g, err := geo.ParseGeometry(in.Geometry, geo.Limits{})
	if err != nil {
		return minimalRow{}, err
	}
	now := time.Now().UTC()
	ct := &model.Contribution{ID: uuid.NewString(), ProcedureID: pid, Category: in.Properties.Category,
		Title: in.Properties.Title, Text: in.Properties.Text, Geometry: g, Origin: "online",
		Status: model.Published, CreatedAt: now, UpdatedAt: now}
	var tok [32]byte
	_, _ = rand.Read(tok[:])
	h := sha256.Sum256([]byte(hex.EncodeToString(tok[:])))
	return minimalRow{c: ct, hash: h[:], feat: store.FeatureJSON(ct), ack: make(chan error, 1)}, nil
}

// direct stores bodies from conns goroutines for d without HTTP and
// returns rows per second: the minimal writer's own rate.
func (m *minimalWriter) direct(conns int, d time.Duration, body func(int64) string) (float64, error) {
	var n atomic.Int64
	var failed atomic.Value
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				r, err := m.row([]byte(body(n.Add(1))), m.pid)
				if err == nil {
					m.queue <- r
					err = <-r.ack
				}
				if err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return 0, err
	}
	return float64(n.Load()) / time.Since(start).Seconds(), nil
}

type minimalRow struct {
	c    *model.Contribution
	hash []byte
	feat []byte
	ack  chan error
}

func startMinimalWriter(slug, category, dbPath, base string) (*minimalWriter, error) {
	dir, err := os.MkdirTemp("", "mitreden-writer-")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "w.db")
	if dbPath != "" {
		src, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro&_busy_timeout=5000")
		if err == nil {
			_, err = src.Exec(`VACUUM INTO ?`, path)
			src.Close()
		}
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("copy %s: %w", dbPath, err)
		}
	} else {
		st, err := store.Open(path, store.Options{})
		if err == nil {
			_, err = st.Migrate(context.Background())
		}
		if err == nil {
			_, err = st.CreateProcedure(context.Background(), store.ProcedureSeed{Procedure: model.Procedure{Slug: slug, Title: slug,
				Categories: []model.Category{{Key: category}}}})
		}
		if st != nil {
			st.Close()
		}
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=5000&_txlock=immediate")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	db.SetMaxOpenConns(1)
	var pid int64
	if err := db.QueryRow(`SELECT id FROM procedures WHERE slug = ?`, slug).Scan(&pid); err != nil {
		db.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	m := &minimalWriter{db: db, queue: make(chan minimalRow, 1024), dir: dir, done: make(chan struct{})}
	go m.writer()
	m.app = fiber.New(fiber.Config{DisableStartupMessage: true})
	m.app.Post("/", func(c *fiber.Ctx) error {
		r, err := m.row(c.Body(), pid)
		if err != nil {
			return c.SendStatus(fiber.StatusBadRequest)
		}
		m.queue <- r
		if err := <-r.ack; err != nil {
			return err
		}
		c.Set(fiber.HeaderLocation, "/api/v1/contributions/"+r.c.ID)
		c.Status(fiber.StatusCreated).Set(fiber.HeaderContentType, "application/geo+json")
		return c.Send(r.feat)
	})
	m.pid = pid
	if m.url, err = serveLoopback(m.app); err != nil {
		m.close()
		return nil, err
	}
	return m, nil
}

func (m *minimalWriter) close() {
	if m.app != nil {
		_ = m.app.ShutdownWithContext(context.Background())
	}
	close(m.queue)
	<-m.done
	m.db.Close()
	os.RemoveAll(m.dir)
}

// writer commits what queued up, one transaction per round, then
// acknowledges every row of it.
func (m *minimalWriter) writer() {
	defer close(m.done)
	const (
		insRow = `INSERT INTO contributions(id, procedure_id, category, type, title, text, geom_type, geometry, lon, lat,
			author_name, origin, status, reason, manage_token_hash, import_key, up, down, comments, feature, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`
		insGeo = `INSERT INTO contributions_geo(seq, min_lon, max_lon, min_lat, max_lat, procedure_id, published, created_at)
			VALUES (?,?,?,?,?,?,?,?)`
		insTile = `INSERT INTO cluster_tiles(procedure_id, z, x, y, n, sum_lon, sum_lat) VALUES (?,?,?,?,?,?,?)
			ON CONFLICT(procedure_id, z, x, y) DO UPDATE SET n = n + excluded.n,
				sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat`
		insEvent = `INSERT INTO events(procedure_id, type, data, created_at, contribution_id, comment_id) VALUES (?,?,?,?,?,NULL)`
		bump     = `UPDATE procedures SET version = version + 1 WHERE id = ?`
	)
	var stmts []*sql.Stmt
	for _, q := range []string{insRow, insGeo, insTile, insEvent, bump} {
		st, err := m.db.Prepare(q)
		if err != nil {
			panic(err)
		}
		stmts = append(stmts, st)
	}
	batch := make([]minimalRow, 0, 256)
	for r := range m.queue {
		batch = append(batch[:0], r)
	drain:
		for len(batch) < 256 {
			select {
			case r, ok := <-m.queue:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		err := m.commit(stmts, batch)
		for _, r := range batch {
			r.ack <- err
		}
	}
}

func (m *minimalWriter) commit(stmts []*sql.Stmt, batch []minimalRow) error {
	tx, err := m.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	row, gi, tile, ev, bump := tx.Stmt(stmts[0]), tx.Stmt(stmts[1]), tx.Stmt(stmts[2]), tx.Stmt(stmts[3]), tx.Stmt(stmts[4])
	for _, r := range batch {
		c := r.c
		var gj, lon, lat any
		var b orb.Bound
		var ctr orb.Point
		if c.Geometry != nil {
			t, _ := geojson.NewGeometry(c.Geometry).MarshalJSON()
			b = c.Geometry.Bound()
			ctr = b.Center()
			gj, lon, lat = string(t), ctr.Lon(), ctr.Lat()
		}
		res, err := row.Exec(c.ID, c.ProcedureID, c.Category, c.Type, c.Title, c.Text, c.GeometryType(), gj,
			lon, lat, c.AuthorName, c.Origin, c.Status, c.Reason, r.hash, nil, 0, 0, 0, r.feat,
			c.CreatedAt.UnixMilli(), c.UpdatedAt.UnixMilli())
		if err != nil {
			return err
		}
		seq, _ := res.LastInsertId()
		if c.Geometry != nil {
			if _, err := gi.Exec(seq, b.Min.Lon(), b.Max.Lon(), b.Min.Lat(), b.Max.Lat(), c.ProcedureID, true, c.CreatedAt.UnixMilli()); err != nil {
				return err
			}
			for z := store.MinTileZoom; z <= store.MaxTileZoom; z++ {
				x, y := geo.TileXY(ctr, z)
				if _, err := tile.Exec(c.ProcedureID, z, x, y, 1, ctr.Lon(), ctr.Lat()); err != nil {
					return err
				}
			}
		}
		if _, err := ev.Exec(c.ProcedureID, "contribution.created", r.feat, time.Now().UnixMilli(), c.ID); err != nil {
			return err
		}
		if _, err := bump.Exec(c.ProcedureID); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// merge adds the requests of b to a.
func merge(a, b result) result {
	if a.statuses == nil {
		a.name, a.statuses = b.name, map[int]int64{}
	}
	a.requests += b.requests
	a.errors += b.errors
	a.elapsed += b.elapsed
	a.bytes += b.bytes
	for k, v := range b.statuses {
		a.statuses[k] += v
	}
	a.latencies = append(a.latencies, b.latencies...)
	sort.Slice(a.latencies, func(i, j int) bool { return a.latencies[i] < a.latencies[j] })
	return a
}
