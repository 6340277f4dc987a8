package gzipjoin_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/gzipjoin"
)

// join makes a stream of parts, every other one as a piece, and returns it
// with the plain bytes it must inflate to.
func join(parts [][]byte, pieceFirst bool) (gz, plain []byte) {
	var j gzipjoin.Joiner
	j.Start([]byte("kept prefix")) // appended to what dst holds
	for i, p := range parts {
		if (i%2 == 0) == pieceFirst {
			j.Piece(gzipjoin.Piece(nil, p), p)
		} else {
			j.Plain(p)
		}
		plain = append(plain, p...)
	}
	out := j.Finish()
	if !bytes.HasPrefix(out, []byte("kept prefix")) {
		panic("dst not kept")
	}
	return out[len("kept prefix"):], plain
}

func inflate(t *testing.T, gz []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	r.Multistream(false)
	got, err := io.ReadAll(r) // checks CRC-32 and length
	if err != nil {
		t.Fatalf("inflate: %v", err)
	}
	if rest, _ := io.ReadAll(r); len(rest) > 0 {
		t.Fatal("bytes after the stream")
	}
	return got
}

func feature(rng *rand.Rand, i int) []byte {
	words := []string{"Spielplatz", "Radweg", "Bank", "Licht", "Bäume", "Lärm", "hier", "wäre", "gut"}
	var sb strings.Builder
	sb.WriteString(`{"type":"Feature","id":"`)
	sb.WriteString(strings.Repeat("ab", i%7))
	sb.WriteString(`","properties":{"text":"`)
	for range rng.IntN(80) {
		sb.WriteString(words[rng.IntN(len(words))])
		sb.WriteByte(' ')
	}
	sb.WriteString(`"}}`)
	return []byte(sb.String())
}

func TestJoinedStreamsInflateToTheirParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := map[string][][]byte{
		"nothing":     nil,
		"empty parts": {{}, {}, {}},
		"one piece":   {[]byte(`{"type":"FeatureCollection"}`)},
		// Stored blocks hold at most 65,535 bytes.
		"long plain": {[]byte("a"), bytes.Repeat([]byte("0123456789"), 20000)},
		"binary":     {{0, 1, 2, 255, 0x1f, 0x8b}, bytes.Repeat([]byte{0}, 70000), {3, 0}},
	}
	var feats [][]byte
	for i := range 300 {
		feats = append(feats, feature(rng, i), []byte(","))
	}
	cases["features"] = feats
	for name, parts := range cases {
		for _, first := range []bool{true, false} {
			gz, plain := join(parts, first)
			if got := inflate(t, gz); !bytes.Equal(got, plain) {
				t.Fatalf("%s: inflated %d bytes, want %d", name, len(got), len(plain))
			}
		}
	}
}

// TestZlibReadsJoinedStreams hands a joined stream to the gzip program
// (zlib's inflater, as browsers use), which checks it with -t and inflates it.
func TestZlibReadsJoinedStreams(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var parts [][]byte
	for i := range 200 {
		parts = append(parts, feature(rng, i), []byte(","))
	}
	parts = append(parts, bytes.Repeat([]byte("x"), 70000))
	gz, plain := join(parts, true)
	cmd := exec.Command("gzip", "-dc")
	cmd.Stdin = bytes.NewReader(gz)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("gzip -dc: %v: %s", err, stderr.String())
	}
	if !bytes.Equal(got, plain) {
		t.Fatalf("gzip inflated %d bytes, want %d", len(got), len(plain))
	}
}

// TestPiecesCompress: a piece is smaller than its plain bytes where these
// repeat, and refers to nothing before it (joined after other bytes it
// still inflates to itself).
func TestPiecesCompress(t *testing.T) {
	b := bytes.Repeat([]byte(`{"type":"Feature"},`), 40)
	p := gzipjoin.Piece(nil, b)
	if len(p) >= len(b)/4 {
		t.Fatalf("piece of %d bytes is %d bytes", len(b), len(p))
	}
	if len(gzipjoin.Piece(nil, nil)) != 0 {
		t.Fatal("empty bytes gave a non-empty piece")
	}
	var j gzipjoin.Joiner
	j.Start(nil)
	j.Plain(b)
	j.Piece(p, b)
	if got := inflate(t, j.Finish()); !bytes.Equal(got, append(append([]byte{}, b...), b...)) {
		t.Fatal("piece after the same bytes inflated wrongly")
	}
}

func FuzzJoin(f *testing.F) {
	f.Add([]byte("abc"), []byte("def"), []byte(""))
	f.Add([]byte{0x1f, 0x8b}, bytes.Repeat([]byte("q"), 1000), []byte{0})
	f.Fuzz(func(t *testing.T, a, b, c []byte) {
		for _, first := range []bool{true, false} {
			gz, plain := join([][]byte{a, b, c, a}, first)
			if got := inflate(t, gz); !bytes.Equal(got, plain) {
				t.Fatal("inflated bytes differ")
			}
		}
	})
}

// TestListLeavesOutGoneItems: a list is its items with the separator
// between them; a nil item and its piece are left out, not separated.
func TestListLeavesOutGoneItems(t *testing.T) {
	plains := [][]byte{[]byte(`{"a":1}`), nil, []byte(`{"b":2}`), []byte(`{"c":3}`), nil}
	pieces := make([][]byte, len(plains))
	for i, b := range plains {
		pieces[i] = gzipjoin.Piece(nil, b)
	}
	var j gzipjoin.Joiner
	j.Start(nil)
	j.Plain([]byte("["))
	n := j.List(pieces, plains, []byte(","))
	j.Plain([]byte("]"))
	if got := string(inflate(t, j.Finish())); got != `[{"a":1},{"b":2},{"c":3}]` || n != 3 {
		t.Fatalf("list inflated to %s with %d items", got, n)
	}
	j.Start(nil)
	if n := j.List(pieces[1:2], plains[1:2], []byte(",")); n != 0 {
		t.Fatalf("a list of one gone item added %d", n)
	}
	if got := inflate(t, j.Finish()); len(got) != 0 {
		t.Fatalf("empty list inflated to %q", got)
	}
}
