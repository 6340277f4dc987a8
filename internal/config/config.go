// Package config reads Mitreden's settings from flags and MITREDEN_*
// environment variables. A flag given on the command line wins over the
// variable; the variable wins over the default.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// Config holds every setting of the server.
type Config struct {
	Addr            string
	DB              string
	BaseURL         string
	Theme           string
	ThemesDir       string
	TileURL         string
	TileAttribution string
	TileMBTiles     string
	Demo            bool
	WriteLimit      int // anonymous writes per client per minute; 0 = off
	TrustedProxies  []string
	AdminEmail      string
	AdminPassword   string
	MetricsToken    string
	FrameAncestors  string
	Dev             bool
	Synchronous     string
	TableIdle       int // seconds without input after which a workshop table starts over
	// SecretKey signs workshop table links. Empty: the server makes one at
	// first start and keeps it beside the database (auth.LoadSecret).
	SecretKey string
	// BundleKey signs the workshop bundles the API exports (shared with
	// the instance that imports them; see docs/operations.md). Empty: the
	// API's bundles are unsigned.
	BundleKey string
	// E-mail (internal/mail): the SMTP server's URL, with its password,
	// and the From address. Without SMTPURL nothing is queued and no form
	// offers e-mail.
	SMTPURL  string
	MailFrom string
	// Live event streams open at once from one client address and in all;
	// 0 = no limit.
	StreamsPerClient int
	StreamsTotal     int
	// AnalysisBackground is from how many published contributions a
	// procedure's analysis is computed in the background while the page
	// says so (analysis.BackgroundTexts when 0).
	AnalysisBackground int
}

// Defaults returns the settings used when nothing is configured.
func Defaults() Config {
	return Config{
		Addr:             ":8080",
		DB:               "mitreden.db",
		BaseURL:          "", // absolute links then follow the request (web.Server.BaseURL)
		Theme:            "default",
		TileURL:          "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
		TileAttribution:  "© OpenStreetMap contributors",
		WriteLimit:       120,
		FrameAncestors:   "'self'",
		Synchronous:      "NORMAL",
		TableIdle:        120,
		StreamsPerClient: 8,
		StreamsTotal:     2000,
	}
}

// Env is the environment lookup; os.LookupEnv in production, a map in tests.
type Env func(string) (string, bool)

// DBFlag registers --db with the MITREDEN_DB default on fs.
func DBFlag(fs *flag.FlagSet, env Env) *string {
	def := Defaults().DB
	if v, ok := env("MITREDEN_DB"); ok && v != "" {
		def = v
	}
	return fs.String("db", def, "SQLite database file (MITREDEN_DB)")
}

// ServeFlags registers the serve command's flags on fs, with defaults taken
// from the environment, and returns a function that completes the Config
// after fs.Parse.
func ServeFlags(fs *flag.FlagSet, env Env) func() (Config, error) {
	c := Defaults()
	var problems []string
	str := func(name string, dst *string) {
		if v, ok := env(name); ok && v != "" {
			*dst = v
		}
	}
	str("MITREDEN_ADDR", &c.Addr)
	str("MITREDEN_DB", &c.DB)
	str("MITREDEN_BASE_URL", &c.BaseURL)
	str("MITREDEN_THEME", &c.Theme)
	str("MITREDEN_THEMES_DIR", &c.ThemesDir)
	str("MITREDEN_TILE_URL", &c.TileURL)
	str("MITREDEN_TILE_ATTRIBUTION", &c.TileAttribution)
	str("MITREDEN_TILE_MBTILES", &c.TileMBTiles)
	str("MITREDEN_ADMIN_EMAIL", &c.AdminEmail)
	str("MITREDEN_ADMIN_PASSWORD", &c.AdminPassword)
	str("MITREDEN_METRICS_TOKEN", &c.MetricsToken)
	str("MITREDEN_FRAME_ANCESTORS", &c.FrameAncestors)
	str("MITREDEN_SYNCHRONOUS", &c.Synchronous)
	str("MITREDEN_SECRET_KEY", &c.SecretKey)
	str("MITREDEN_BUNDLE_KEY", &c.BundleKey)
	str("MITREDEN_SMTP_URL", &c.SMTPURL)
	str("MITREDEN_MAIL_FROM", &c.MailFrom)
	if v, ok := env("MITREDEN_DEMO"); ok && v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("MITREDEN_DEMO=%q is not a boolean", v))
		}
		c.Demo = b
	}
	if v, ok := env("MITREDEN_DEV"); ok && v != "" {
		c.Dev, _ = strconv.ParseBool(v)
	}
	if v, ok := env("MITREDEN_WRITE_LIMIT"); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			problems = append(problems, fmt.Sprintf("MITREDEN_WRITE_LIMIT=%q must be a whole number ≥ 0", v))
		}
		c.WriteLimit = n
	}
	if v, ok := env("MITREDEN_TABLE_IDLE"); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			problems = append(problems, fmt.Sprintf("MITREDEN_TABLE_IDLE=%q must be a whole number of seconds ≥ 1", v))
		}
		c.TableIdle = n
	}
	for _, lim := range []struct {
		name string
		dst  *int
	}{{"MITREDEN_STREAMS_PER_CLIENT", &c.StreamsPerClient}, {"MITREDEN_STREAMS_TOTAL", &c.StreamsTotal}, {"MITREDEN_ANALYSIS_BACKGROUND", &c.AnalysisBackground}} {
		if v, ok := env(lim.name); ok && v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				problems = append(problems, fmt.Sprintf("%s=%q must be a whole number ≥ 0", lim.name, v))
			}
			*lim.dst = n
		}
	}
	proxies := ""
	if v, ok := env("MITREDEN_TRUSTED_PROXIES"); ok {
		proxies = v
	}

	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (MITREDEN_ADDR)")
	fs.StringVar(&c.DB, "db", c.DB, "SQLite database file (MITREDEN_DB)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public base URL (MITREDEN_BASE_URL)")
	fs.StringVar(&c.Theme, "theme", c.Theme, "theme name (MITREDEN_THEME)")
	fs.StringVar(&c.ThemesDir, "themes-dir", c.ThemesDir, "directory with themes that add to or override the embedded ones (MITREDEN_THEMES_DIR)")
	fs.StringVar(&c.TileURL, "tile-url", c.TileURL, "XYZ tile URL template of the base map (MITREDEN_TILE_URL)")
	fs.StringVar(&c.TileAttribution, "tile-attribution", c.TileAttribution, "base map attribution (MITREDEN_TILE_ATTRIBUTION)")
	fs.StringVar(&c.TileMBTiles, "tile-mbtiles", c.TileMBTiles, "MBTiles file with an offline raster base map, served under /tiles (MITREDEN_TILE_MBTILES)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "load the demo procedure into an empty database (MITREDEN_DEMO)")
	fs.IntVar(&c.WriteLimit, "write-limit", c.WriteLimit, "anonymous writes per client per minute, 0 = off (MITREDEN_WRITE_LIMIT)")
	fs.IntVar(&c.TableIdle, "table-idle", c.TableIdle, "seconds without input after which a workshop table starts over (MITREDEN_TABLE_IDLE)")
	fs.StringVar(&c.SecretKey, "secret-key", c.SecretKey, "secret that signs workshop table links; default: kept in DB.secret beside the database (MITREDEN_SECRET_KEY; prefer the variable, a flag shows in the process list)")
	fs.StringVar(&c.MailFrom, "mail-from", c.MailFrom, "From address of the e-mail Mitreden sends (MITREDEN_MAIL_FROM)")
	fs.IntVar(&c.StreamsPerClient, "streams-per-client", c.StreamsPerClient, "live event streams one client address may hold open, 0 = no limit (MITREDEN_STREAMS_PER_CLIENT)")
	fs.IntVar(&c.StreamsTotal, "streams-total", c.StreamsTotal, "live event streams open in all, 0 = no limit (MITREDEN_STREAMS_TOTAL)")
	fs.IntVar(&c.AnalysisBackground, "analysis-background", c.AnalysisBackground, "published contributions from which a procedure's analysis is computed in the background, the page saying so meanwhile; 0 = 10000 (MITREDEN_ANALYSIS_BACKGROUND)")
	bundleKeyFile := ""
	fs.StringVar(&bundleKeyFile, "bundle-key-file", "", "file holding the key that signs the workshop bundles the API exports (or MITREDEN_BUNDLE_KEY)")
	fs.StringVar(&proxies, "trusted-proxies", proxies, "comma-separated addresses or CIDRs whose X-Forwarded-For is believed (MITREDEN_TRUSTED_PROXIES)")

	return func() (Config, error) {
		if len(problems) > 0 {
			return c, errors.New(strings.Join(problems, "; "))
		}
		if c.WriteLimit < 0 {
			return c, fmt.Errorf("--write-limit must be ≥ 0, got %d", c.WriteLimit)
		}
		if c.StreamsPerClient < 0 || c.StreamsTotal < 0 {
			return c, fmt.Errorf("--streams-per-client and --streams-total must be ≥ 0")
		}
		if c.AnalysisBackground < 0 {
			return c, fmt.Errorf("--analysis-background must be ≥ 0, got %d", c.AnalysisBackground)
		}
		if c.TableIdle < 1 {
			return c, fmt.Errorf("--table-idle must be ≥ 1 second, got %d", c.TableIdle)
		}
		c.TrustedProxies = nil
		for _, p := range strings.Split(proxies, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if _, err := netip.ParsePrefix(p); err != nil {
				if _, err := netip.ParseAddr(p); err != nil {
					return c, fmt.Errorf("trusted proxy %q is neither an address nor a CIDR", p)
				}
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
		if (c.AdminEmail == "") != (c.AdminPassword == "") {
			return c, errors.New("MITREDEN_ADMIN_EMAIL and MITREDEN_ADMIN_PASSWORD must be set together")
		}
		if s := strings.ToUpper(c.Synchronous); s != "NORMAL" && s != "FULL" {
			return c, fmt.Errorf("MITREDEN_SYNCHRONOUS must be NORMAL or FULL, got %q", c.Synchronous)
		}
		if c.TileMBTiles != "" {
			if _, err := os.Stat(c.TileMBTiles); err != nil {
				return c, fmt.Errorf("offline base map %s: %v", c.TileMBTiles, err)
			}
		}
		if c.SecretKey != "" && len(c.SecretKey) < 16 {
			return c, errors.New("MITREDEN_SECRET_KEY (--secret-key) must be at least 16 characters")
		}
		if bundleKeyFile != "" {
			b, err := os.ReadFile(bundleKeyFile)
			if err != nil {
				return c, fmt.Errorf("bundle key: %v", err)
			}
			c.BundleKey = string(b)
		}
		c.BundleKey = strings.TrimSpace(c.BundleKey)
		if c.BundleKey != "" && len(c.BundleKey) < 32 {
			return c, errors.New("the bundle key (MITREDEN_BUNDLE_KEY, --bundle-key-file) must be at least 32 bytes, e.g. `openssl rand -hex 32`")
		}
		if c.Addr == "" {
			return c, errors.New("--addr must not be empty")
		}
		return c, nil
	}
}
