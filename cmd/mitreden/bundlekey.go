package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/mitreden/mitreden/internal/workshop"
)

// bundleKeyFlag registers --bundle-key-file; bundleKey reads the key from
// that file or, without it, from MITREDEN_BUNDLE_KEY (nil: none given).
func (c *cli) bundleKeyFlag(fs *flag.FlagSet) *string {
	return fs.String("bundle-key-file", "", "file holding the key that signs and checks workshop bundles, shared by both instances (or MITREDEN_BUNDLE_KEY; see docs/operations.md)")
}

func (c *cli) bundleKey(file string) ([]byte, error) {
	var key string
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, usageError{fmt.Sprintf("cannot read the bundle key: %v", err)}
		}
		key = string(b)
	} else if v, ok := c.env("MITREDEN_BUNDLE_KEY"); ok {
		key = v
	}
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, nil
	}
	if err := workshop.CheckBundleKey([]byte(key)); err != nil {
		return nil, usageError{err.Error()}
	}
	return []byte(key), nil
}
