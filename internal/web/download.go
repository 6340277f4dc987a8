package web

import (
	"fmt"
	"os"

	"github.com/gofiber/fiber/v2"
)

// SendWritten answers a download that write puts into the file at the path
// it is given: the file is written completely first, so a failure is a
// clean error status rather than a truncated download; then it is sent as
// an attachment called filename, of media type ctype.
func SendWritten(c *fiber.Ctx, ctype, filename string, write func(path string) error) error {
	tmp, err := os.CreateTemp("", "mitreden-download-*")
	if err != nil {
		return err
	}
	path := tmp.Name()
	tmp.Close()
	defer os.Remove(path)
	if err := write(path); err != nil {
		return err
	}
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	info, err := fh.Stat()
	if err != nil {
		fh.Close()
		return err
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, filename))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	// the open file stays readable after its name is removed (deferred
	// above); fasthttp closes it when the answer is sent
	return c.SendStream(fh, int(info.Size()))
}
