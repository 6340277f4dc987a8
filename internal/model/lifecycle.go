package model

// Lifecycle is where a procedure stands between its first draft and its
// archive. It is set by planners (back office) or in procedure.json; the
// phases (Status) say what happens within a published procedure.
type Lifecycle string

// A procedure's lifecycle: a draft is seen only by its team and through a
// preview link; published is public and takes contributions while a
// participation phase is open; closed is readable but takes nothing new;
// archived is readable and listed apart on the home page.
const (
	LifecycleDraft     Lifecycle = "draft"
	LifecyclePublished Lifecycle = "published"
	LifecycleClosed    Lifecycle = "closed"
	LifecycleArchived  Lifecycle = "archived"
)

// Lifecycles lists the lifecycle states in their usual order.
var Lifecycles = []Lifecycle{LifecycleDraft, LifecyclePublished, LifecycleClosed, LifecycleArchived}

// ValidLifecycle reports whether l is one of Lifecycles.
func ValidLifecycle(l Lifecycle) bool {
	for _, v := range Lifecycles {
		if v == l {
			return true
		}
	}
	return false
}

// State is the procedure's lifecycle, published when unset.
func (p *Procedure) State() Lifecycle {
	if p.Lifecycle == "" {
		return LifecyclePublished
	}
	return p.Lifecycle
}

// Public reports whether everyone may see the procedure (all but drafts).
func (p *Procedure) Public() bool { return p.State() != LifecycleDraft }

// Accepting reports whether the procedure's lifecycle lets residents
// write (contributions, comments, ratings): only a published one does.
// Within it the phases decide (ParticipationOpen).
func (p *Procedure) Accepting() bool { return p.State() == LifecyclePublished }

// Closed reports whether the procedure was open and is no longer: closed
// or archived.
func (p *Procedure) Closed() bool {
	return p.State() == LifecycleClosed || p.State() == LifecycleArchived
}
