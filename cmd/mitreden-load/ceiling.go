package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The ceiling is Fiber sending an answer's bytes from memory, with nothing
// but its content type (and coding). It runs in a process of its own, as
// the server does: served from inside the load tool it shared the tool's
// scheduler with the clients and was about a fifth faster than the very
// same server in its own process (measured; docs/benchmarks.md), which
// made every ratio against it look worse than it is.

// startCeiling starts the ceiling for the uncompressed answer plain and its
// gzip compression gz (nil: plain only), sending headers beside its content
// type (nil: none), and returns its address, its process id and how to
// stop it.
func startCeiling(plain, gz []byte, headers map[string]string) (url string, pid int, stop func(), err error) {
	dir, err := os.MkdirTemp("", "mitreden-ceiling")
	if err != nil {
		return "", 0, nil, err
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(dir)
		}
	}()
	if err := os.WriteFile(filepath.Join(dir, "plain"), plain, 0o600); err != nil {
		return "", 0, nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "gzip"), gz, 0o600); err != nil {
		return "", 0, nil, err
	}
	hb, _ := json.Marshal(headers)
	if err := os.WriteFile(filepath.Join(dir, "headers"), hb, 0o600); err != nil {
		return "", 0, nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return "", 0, nil, err
	}
	cmd := exec.Command(self, "--ceiling-serve", dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", 0, nil, err
	}
	// The ceiling lives as long as this pipe: it ends with the load tool,
	// however that ends.
	in, err := cmd.StdinPipe()
	if err != nil {
		return "", 0, nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", 0, nil, err
	}
	stop = func() {
		_ = in.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = os.RemoveAll(dir)
	}
	line, rerr := bufio.NewReader(out).ReadString('\n')
	if rerr != nil || !strings.HasPrefix(line, "http://") {
		stop()
		return "", 0, nil, fmt.Errorf("ceiling did not start: %q %v", line, rerr)
	}
	return strings.TrimSpace(line), cmd.Process.Pid, stop, nil
}

// serveCeiling is the ceiling's process: it serves the files startCeiling
// wrote and prints its address, until its standard input ends.
func serveCeiling(dir string) error {
	plain, err := os.ReadFile(filepath.Join(dir, "plain"))
	if err != nil {
		return err
	}
	gz, err := os.ReadFile(filepath.Join(dir, "gzip"))
	if err != nil {
		return err
	}
	var headers map[string]string
	if hb, err := os.ReadFile(filepath.Join(dir, "headers")); err != nil || json.Unmarshal(hb, &headers) != nil {
		return fmt.Errorf("ceiling headers: %v", err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "application/geo+json")
		for k, v := range headers {
			c.Set(k, v)
		}
		if len(gz) > 0 && c.Get(fiber.HeaderAcceptEncoding) == "gzip" {
			c.Set(fiber.HeaderContentEncoding, "gzip")
			return c.Send(gz)
		}
		return c.Send(plain)
	})
	u, err := serveLoopback(app)
	if err != nil {
		return err
	}
	fmt.Println(u)
	_, err = io.Copy(io.Discard, os.Stdin)
	return err
}
