package analysis

import "strings"

// Compounds. German joins words: "Radweg" is a "Weg" for the "Rad". A planner
// looking for what residents say about paths wants to see that too, so a
// compound also counts for its parts, as a related entry (WordCount.Related),
// never as a second count of the compound.
//
// The splitting is simple and uses no dictionary but the texts themselves: a
// word is split into two parts when both parts, at least three letters each,
// occur as words of their own in the same texts. The right part (the head
// of a German compound) is matched against the stems, the left one against
// stems and written forms ("Kinder|garten"), also without a linking s
// ("Verkehrs|weg"). Of several splits the one with the longest right part is
// taken ("Haupt|bahnhof" before "Hauptbahn|hof"). A hyphenated compound
// ("Park-Bänke") is split at its hyphens, under the same condition.

// lookup finds the word a compound's part stands for.
func (w *Words) lookup(part string) (int32, bool) {
	if id, ok := w.ids[part]; ok {
		return id, true
	}
	id, ok := w.folded[part]
	return id, ok
}

// parts returns the words a compound is made of, none when it is not one.
func (w *Words) parts(id int32) []int32 {
	s := w.stems[id]
	if s.parts != nil {
		var out []int32
		for _, p := range s.parts {
			if pid, ok := w.ids[p]; ok && pid != id {
				out = append(out, pid)
			}
		}
		return out
	}
	if strings.Contains(s.key, "-") {
		return nil
	}
	rs := []rune(s.key)
	for i := 3; i <= len(rs)-3; i++ {
		left, right := string(rs[:i]), string(rs[i:])
		r, ok := w.lookup(right)
		if !ok || r == id {
			continue
		}
		l, ok := w.lookup(left)
		if !ok && i > 3 && rs[i-1] == 's' {
			l, ok = w.lookup(string(rs[:i-1]))
		}
		if ok && l != id && l != r {
			return []int32{l, r}
		}
	}
	return nil
}

// related counts for each word the texts that use it only inside compounds.
func (w *Words) related() []int {
	out := make([]int, len(w.stems))
	parts := make([][]int32, len(w.stems))
	for id := range w.stems {
		parts[id] = w.parts(int32(id))
	}
	in := map[int32]bool{}
	done := map[int32]bool{}
	for _, text := range w.texts {
		clear(in)
		clear(done)
		for _, id := range text {
			in[id] = true
		}
		for _, id := range text {
			for _, p := range parts[id] {
				if !in[p] && !done[p] {
					done[p] = true
					out[p]++
				}
			}
		}
	}
	return out
}
