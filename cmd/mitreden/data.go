package main

import (
	"io/fs"

	"github.com/mitreden/mitreden/data"
)

func subFS() (fs.FS, error) { return fs.Sub(data.FS, "demo") }
