package model

import (
	"time"

	"github.com/paulmach/orb"
)

// ContributionStatus is where a contribution stands in moderation.
type ContributionStatus string

// Contribution statuses. Nothing a resident submitted is deleted: it is
// hidden, merged or withdrawn.
const (
	Submitted ContributionStatus = "submitted"
	Published ContributionStatus = "published"
	Hidden    ContributionStatus = "hidden"
	Merged    ContributionStatus = "merged"
	Withdrawn ContributionStatus = "withdrawn"
)

// ValidStatus reports whether s is a known contribution status.
func ValidStatus(s ContributionStatus) bool {
	switch s {
	case Submitted, Published, Hidden, Merged, Withdrawn:
		return true
	}
	return false
}

// Contribution is a resident's located (or unlocated) contribution.
type Contribution struct {
	Seq         int64 // internal row number (R*Tree/FTS key)
	ID          string
	ProcedureID int64
	Category    string
	Type        string
	Title       string
	Text        string
	Geometry    orb.Geometry // nil when placed without location
	AuthorName  string
	Origin      string // online | table:N | import
	Status      ContributionStatus
	Reason      string // public reason of a moderation step
	MergedInto  string // id of the contribution this one duplicates (status merged)
	Up          int
	Down        int
	Comments    int
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// PlanningStatus is the public status of what became of it (a key of
	// the procedure's planning statuses; "" for none).
	PlanningStatus string
}

// GeometryType returns "Point", "LineString", "Polygon" or "none".
func (c *Contribution) GeometryType() string {
	if c.Geometry == nil {
		return "none"
	}
	return c.Geometry.GeoJSONType()
}

// Comment on a contribution; ParentID is set for a reply (one level).
type Comment struct {
	ID             int64
	ContributionID string
	ParentID       int64
	Text           string
	AuthorName     string
	Status         ContributionStatus
	CreatedAt      time.Time
	Replies        []Comment
}

// Response is a planner's official answer to a contribution.
type Response struct {
	ID        int64
	TextMD    string
	Author    string
	CreatedAt time.Time
}
