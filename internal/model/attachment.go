package model

import "time"

// Attachment is a file a planner attached to a procedure, one of its pages
// or one of its plan variants: an image or a PDF document.
type Attachment struct {
	ID            int64
	ProcedureID   int64
	PageSlug      string // "" unless it belongs to a content page
	ConceptionKey string // "" unless it is a plan variant's image
	Title         string
	Filename      string
	ContentType   string
	Size          int64
	SHA256        string
	CreatedAt     time.Time
}

// IsImage reports whether the attachment is shown as a picture.
func (a Attachment) IsImage() bool {
	return len(a.ContentType) > 6 && a.ContentType[:6] == "image/"
}
