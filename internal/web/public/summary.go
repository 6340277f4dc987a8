package public

import (
	"sort"

	"github.com/mitreden/mitreden/internal/content"
)

// fieldError is one entry of a form's error summary: the field's name as
// its label says it, the message and the element the entry leads to.
type fieldError struct {
	Label, Message, Anchor string
}

// contributionFields are the contribution form's fields in the order the
// page shows them: the label's key and the element a summary entry leads
// to ("phase" concerns the whole form, "geometry" the typed coordinates).
var contributionFields = []struct{ key, label, anchor string }{
	{"phase", "", "title"}, {"title", "field.title", "title"}, {"text", "field.text", "text"},
	{"category", "field.category", "category"}, {"type", "field.type", "type"},
	{"place", "field.place", "place"}, {"geometry", "js.review_location", "lat"}, {"email", "admin.email", "email"},
}

// errorSummary lists a contribution form's messages in page order, each
// naming its field (WCAG 3.3.1); a field the list does not know comes last.
func errorSummary(l *content.Localizer, fields map[string]string) []fieldError {
	var out []fieldError
	seen := map[string]bool{}
	for _, f := range contributionFields {
		if msg, ok := fields[f.key]; ok {
			e := fieldError{Message: msg, Anchor: f.anchor}
			if f.label != "" {
				e.Label = l.T(f.label)
			}
			out = append(out, e)
			seen[f.key] = true
		}
	}
	var rest []string
	for k := range fields {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, fieldError{Message: fields[k], Anchor: k})
	}
	return out
}
