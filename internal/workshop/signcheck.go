package workshop

import (
	"bytes"
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mitreden/mitreden/internal/store"
)

// readError is a file that cannot be read on (cut short, damaged).
type readError struct{ err error }

func (e readError) Error() string { return e.err.Error() }

// signedState checks a signed bundle while it is read.
type signedState struct {
	key      []byte
	slug     string
	file     fileMAC
	problems []Problem
	count    *int
	mac      []byte
	hasMAC   bool
}

// broken turns an error at record n into the report of a refused bundle.
// Without a signed bundle it only says the file cannot be read.
func (s *signedState) broken(n int, err error) error {
	var re readError
	isRead := errors.As(err, &re)
	if s == nil {
		if isRead {
			return invalid(0, "%v", re.err)
		}
		return err
	}
	if isRead {
		where := "the file"
		if n > 0 {
			where = fmt.Sprintf("the file at or after record %d", n)
		}
		s.problems = append(s.problems, Problem{Why: fmt.Sprintf("%s cannot be read (%v): it was cut short or changed", where, re.err)})
		return &TamperError{s.problems}
	}
	if len(s.problems) > 0 {
		s.problems = append(s.problems, Problem{Record: n, Why: err.Error()})
		return &TamperError{s.problems}
	}
	return err
}

// signedItem reads the record at position n: it reports ok false (and
// notes the problem) when its signature fails, and an error only when the
// file cannot be read on or a well-signed record is invalid.
func (d *Decoder) signedItem(dec *json.Decoder, s *signedState, n int) (store.ImportItem, bool, error) {
	var env struct {
		N            int             `json:"n"`
		MAC          string          `json:"mac"`
		Contribution json.RawMessage `json:"contribution"`
	}
	if err := dec.Decode(&env); err != nil {
		return store.ImportItem{}, false, readError{err}
	}
	var peek struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(env.Contribution, &peek)
	mac, err := hex.DecodeString(env.MAC)
	s.file.add(mac)
	why := ""
	switch {
	case len(env.Contribution) == 0:
		why = "holds no contribution"
	case env.N != n:
		why = fmt.Sprintf("was signed as record %d but stands at position %d: records were removed, added or reordered", env.N, n)
	case err != nil || !hmac.Equal(mac, recordMAC(s.key, s.slug, n, env.Contribution)):
		why = "its signature does not match: the record was changed after it was exported"
	}
	if why != "" {
		s.problems = append(s.problems, Problem{Record: n, ID: peek.ID, Why: why})
		return store.ImportItem{}, false, nil
	}
	inner := json.NewDecoder(bytes.NewReader(env.Contribution))
	inner.UseNumber()
	it, err := d.bundleItem(inner, n)
	return it, err == nil, err
}

// trailer reads the file's "count" or "mac".
func (s *signedState) trailer(dec *json.Decoder, key string) error {
	if key == "count" {
		var c int
		if err := dec.Decode(&c); err != nil {
			return err
		}
		s.count = &c
		return nil
	}
	var v string
	if err := dec.Decode(&v); err != nil {
		return err
	}
	s.mac, s.hasMAC = nil, true
	if b, err := hex.DecodeString(v); err == nil {
		s.mac = b
	}
	return nil
}

// finish checks the whole file's signature after n records.
func (s *signedState) finish(n int) error {
	switch {
	case s.count == nil || !s.hasMAC:
		s.problems = append(s.problems, Problem{Why: "the file's own signature (count and mac after the records) is missing: the file was cut short"})
	case *s.count != n:
		s.problems = append(s.problems, Problem{Why: fmt.Sprintf("the file says it holds %d records but %d were found: records were removed or added", *s.count, n)})
	case !hmac.Equal(s.mac, s.file.sum(n)):
		s.problems = append(s.problems, Problem{Why: "the file's signature does not match: records were removed, reordered or the file was changed"})
	}
	if len(s.problems) > 0 {
		return &TamperError{s.problems}
	}
	return nil
}
