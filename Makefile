# Mitreden — `make run` builds everything and serves the demo on :8080;
# `make test` runs every test (Go unit, HTTP and headless-Chromium tests).

export GOFLAGS := -tags=sqlite_fts5 -buildvcs=false
BIN := bin/mitreden
VENDOR := themes/default/static/vendor

.PHONY: run build assets chromium system-deps test fuzz bench lint lint-js vulncheck vulncheck-online clean

run: build
	./$(BIN) serve --demo --db $${MITREDEN_DB:-mitreden.db} --addr $${MITREDEN_ADDR:-:8080}

build: assets
	go build -o $(BIN) ./cmd/mitreden

# --ignore-scripts: vnu-jar's install script would download a Java runtime
# from GitHub where none is installed; system-deps installs Debian's.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

assets: node_modules/.package-lock.json
	mkdir -p $(VENDOR)/leaflet/images $(VENDOR)/leaflet.markercluster
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css $(VENDOR)/leaflet/
	cp node_modules/leaflet/dist/images/*.png $(VENDOR)/leaflet/images/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/MarkerCluster.css node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css $(VENDOR)/leaflet.markercluster/

# All tests: static checks, unit and HTTP tests with the race detector, the
# browser tests against the real binary in headless Chromium, short fuzz runs.
test: assets system-deps lint
	go test -race -count=1 -timeout 30m ./...
	$(MAKE) fuzz FUZZTIME=30000x

# The tests need Chromium (browser tests), a Java runtime (the Nu HTML
# checker, vnu-jar from npm, checks every page), GDAL (exports are checked
# with ogrinfo) and poppler-utils (posters and the analysis PDF are checked
# with pdftotext and pdfinfo); the benchmarks compare with the sqlite3 shell.
# Each is installed from Debian's packages when missing.
system-deps:
	@missing=""; \
	  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing="$$missing chromium"; \
	  command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	  command -v ogrinfo >/dev/null 2>&1 || missing="$$missing gdal-bin"; \
	  command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	  command -v sqlite3 >/dev/null 2>&1 || missing="$$missing sqlite3"; \
	  if [ -n "$$missing" ]; then echo "installing$$missing"; apt-get update && apt-get install -y $$missing; fi

chromium: system-deps

# Fuzz budgets are execution counts, not durations: with Go 1.26 a
# duration (-fuzztime 5s) races the coordinator's deadline and fails
# spuriously under load (go.dev/issue/75804, fixed in Go 1.27).
FUZZTIME ?= 300000x
fuzz:
	go test ./internal/geo -run '^$$' -fuzz '^FuzzParseGeometry$$' -fuzztime $(FUZZTIME)
	go test ./internal/geo -run '^$$' -fuzz '^FuzzParseBBox$$' -fuzztime $(FUZZTIME)
	go test ./internal/store -run '^$$' -fuzz '^FuzzSearchQuery$$' -fuzztime $(FUZZTIME)
	go test ./internal/content -run '^$$' -fuzz '^FuzzMarkdownNeverLetsScriptThrough$$' -fuzztime $(FUZZTIME)
	go test ./internal/export -run '^$$' -fuzz '^FuzzCSVCell$$' -fuzztime $(FUZZTIME)
	go test ./internal/workshop -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)

# Benchmarks: Go benchmarks of the store, then HTTP load runs against the
# real server on loopback with BENCH_N synthetic contributions (the hot
# viewport and its memory ceiling, varied viewports with and without
# cluster=1, the cached answer against bare Fiber in alternating rounds),
# the soak: 50 connections of mixed traffic over every public route (reads and
# writes) for BENCH_SOAK_SECONDS; it fails on any 5xx, dropped connection
# or panic in the server's log; durable submits against a minimal
# group-commit writer built with the same libraries; last, varied viewports
# at BENCH_N_LARGE (default 1,000,000; 0 skips it) after a 3 s warm-up that
# loads the tiles' indexes.
BENCH_N ?= 100000
BENCH_N_LARGE ?= 1000000
BENCH_DB := bin/bench.db
BENCH_DB_LARGE := bin/bench-large.db
BENCH_LOG := bin/bench-server.log
bench: build system-deps
	go test -run '^$$' -bench . -benchmem -benchtime 2s -timeout 30m ./internal/store/ ./internal/app/ ./internal/export/ ./internal/geo/ ./internal/analysis/
	go build -o bin/mitreden-load ./cmd/mitreden-load
	go build -o bin/mitreden-exportbench ./cmd/mitreden-exportbench
	rm -f $(BENCH_DB) $(BENCH_DB)-wal $(BENCH_DB)-shm
	./$(BIN) demo --db $(BENCH_DB) --contributions $(BENCH_N)
	./bin/mitreden-exportbench --bin $(BIN) --db $(BENCH_DB)
	./$(BIN) serve --db $(BENCH_DB) --addr 127.0.0.1:18080 --write-limit 0 2>/dev/null & pid=$$!; \
	  sleep 2; ./bin/mitreden-load --url http://127.0.0.1:18080 --pid $$pid --duration $${BENCH_SECONDS:-10s} --connections 50 && \
	  ./bin/mitreden-load --url http://127.0.0.1:18080 --viewports --duration $${BENCH_SECONDS:-10s} --connections 50 && \
	  ./bin/mitreden-load --url http://127.0.0.1:18080 --pid $$pid --hot 5 --bbox 9.939740,53.554095,9.939760,53.554105 --duration $${BENCH_SECONDS:-10s} --connections 50; \
	  status=$$?; kill $$pid; wait $$pid; exit $$status
	./$(BIN) serve --db $(BENCH_DB) --addr 127.0.0.1:18080 --write-limit 0 >$(BENCH_LOG) 2>&1 & pid=$$!; \
	  sleep 2; tables=$$(for n in 1 2 3 4; do ./$(BIN) table link --procedure gruenzug-altona --table $$n --db $(BENCH_DB); done | paste -sd,); \
	  ./bin/mitreden-load --mix --url http://127.0.0.1:18080 --duration $${BENCH_SOAK_SECONDS:-60}s --connections 50 --table-links "$$tables"; \
	  status=$$?; kill $$pid; wait $$pid; \
	  if grep -i panic $(BENCH_LOG) | head -5 | grep .; then echo "panic in the server log ($(BENCH_LOG))"; status=1; fi; \
	  exit $$status
	./$(BIN) serve --db $(BENCH_DB) --addr 127.0.0.1:18080 --write-limit 0 2>/dev/null & pid=$$!; \
	  sleep 2; ./bin/mitreden-load --url http://127.0.0.1:18080 --writer --db $(BENCH_DB) --duration $${BENCH_SECONDS:-10s} --connections 50; \
	  status=$$?; kill $$pid; wait $$pid; exit $$status
	@echo "varied viewports at $(BENCH_N_LARGE) contributions (BENCH_N_LARGE=0 skips them):"
	if [ "$(BENCH_N_LARGE)" != 0 ]; then \
	  rm -f $(BENCH_DB_LARGE) $(BENCH_DB_LARGE)-wal $(BENCH_DB_LARGE)-shm; \
	  ./$(BIN) demo --db $(BENCH_DB_LARGE) --contributions $(BENCH_N_LARGE) && \
	  { ./$(BIN) serve --db $(BENCH_DB_LARGE) --addr 127.0.0.1:18080 --write-limit 0 2>/dev/null & pid=$$!; \
	    sleep 3; ./bin/mitreden-load --url http://127.0.0.1:18080 --viewports --duration 3s --connections 50 >/dev/null && \
	    ./bin/mitreden-load --url http://127.0.0.1:18080 --viewports --duration $${BENCH_SECONDS:-10s} --connections 50; \
	    status=$$?; kill $$pid; wait $$pid; exit $$status; }; \
	fi

# Static checks, part of `make test`: gofmt, go vet, staticcheck,
# govulncheck and eslint on the theme's scripts (lint-js, eslint.config.js).
# vuln.go.dev is out of reach from this build network, so govulncheck reads
# a snapshot of the Go vulnerability database committed in .ci/ (see
# docs/operations.md for refreshing it); `make vulncheck-online` asks
# vuln.go.dev directly where it is reachable.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.9.0
VULNDB := bin/vulndb
lint: vulncheck lint-js
	@test -z "$$(gofmt -l cmd internal themes locales data)" || { gofmt -l cmd internal themes locales data; echo "gofmt would change these files"; exit 1; }
	go vet ./...
	go run $(STATICCHECK) ./...

lint-js: node_modules/.package-lock.json
	npx eslint themes/default/static/js

$(VULNDB)/.stamp: .ci/vulndb-osv.tar.xz
	rm -rf $(VULNDB) && mkdir -p $(VULNDB)
	tar -xJf .ci/vulndb-osv.tar.xz -C $(VULNDB)
	touch $@

vulncheck: $(VULNDB)/.stamp
	go run $(GOVULNCHECK) -db file://$(CURDIR)/$(VULNDB) ./...

vulncheck-online:
	go run $(GOVULNCHECK) ./...

clean:
	rm -rf bin $(VENDOR)
