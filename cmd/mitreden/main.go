// Command mitreden runs the Mitreden participation platform: the web server
// and the operator's commands. It parses flags and wires parts, nothing else.
package main

import (
	"os"

	_ "time/tzdata" // phases and appointments are shown in Europe/Berlin everywhere
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.LookupEnv))
}
