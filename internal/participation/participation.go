// Package participation is what residents do: submit, edit and withdraw
// contributions, comment, rate and report. It applies the procedure's rules
// (model), checks geometry (geo) and stores the result (store).
package participation

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Store is what residents' actions need of the data store. The SQLite
// store (internal/store) satisfies it; a second store satisfies it beside
// it. Its methods answer store.ErrNotFound for a missing row and run the
// change functions of UpdateContribution inside their write transaction.
type Store interface {
	ReadStore
	ProcedureByID(ctx context.Context, id int64) (*model.Procedure, error)
	Contribution(ctx context.Context, id string) (*model.Contribution, error)
	ContributionByManageHash(ctx context.Context, h []byte) (*model.Contribution, error)
	InsertContribution(ctx context.Context, c *model.Contribution, manageHash []byte, importKey string) error
	UpdateContribution(ctx context.Context, id string, change func(*model.Contribution) error) (*model.Contribution, error)
	AddComment(ctx context.Context, c *model.Comment) error
	PublishedCommentOf(ctx context.Context, contributionID, commentID string) error
	Rate(ctx context.Context, contributionID string, voter []byte, value int) (up, down int, err error)
	Vote(ctx context.Context, contributionID string, voter []byte) (int, error)
	AddFlag(ctx context.Context, kind, subjectID, reason string) error
	RateConception(ctx context.Context, procedureID int64, key string, voter []byte, value int) (up, down int, err error)
	ConceptionVote(ctx context.Context, procedureID int64, key string, voter []byte) (int, error)
	AddConceptionComment(ctx context.Context, procedureID int64, key string, m *model.Comment) error
	ConceptionCommentPublished(ctx context.Context, procedureID int64, key string, commentID int64) error
	Places(ctx context.Context, procedureID int64) ([]store.Place, error)
}

// Service carries out residents' actions.
type Service struct {
	Store  Store
	Limits geo.Limits
	Now    func() time.Time
}

// New returns a Service with default geometry limits.
func New(st Store) *Service {
	return &Service{Store: st, Limits: geo.DefaultLimits(), Now: time.Now}
}

// ErrProcedureClosed: the procedure is closed or archived (or still a
// draft) and takes no contributions, comments or ratings.
var ErrProcedureClosed = errors.New("participation: the procedure takes no contributions")

// Errors the service returns besides model.Errors.
var (
	ErrPhaseClosed     = errors.New("participation: the participation phase is not open")
	ErrCommentsClosed  = errors.New("participation: comments are not allowed")
	ErrRatingsClosed   = errors.New("participation: ratings are not allowed")
	ErrNotEditable     = errors.New("participation: this contribution can no longer be changed")
	ErrInvalidVote     = errors.New("participation: a vote is 1, -1 or 0")
	ErrInvalidFlagKind = errors.New("participation: unknown report subject")
	ErrNoConception    = errors.New("participation: no such plan variant")
	ErrNoComment       = errors.New("participation: no such comment on this contribution")
)

// validate checks the input and geometry against the procedure's rules.
func (s *Service) validate(p *model.Procedure, in *model.ContributionInput, g orb.Geometry) model.Errors {
	in.Title = model.Normalize(in.Title)
	in.Text = model.Normalize(in.Text)
	in.AuthorName = model.Normalize(in.AuthorName)
	in.GeometryType = "none"
	if g != nil {
		in.GeometryType = g.GeoJSONType()
	}
	errs := p.ValidateContribution(*in, s.Now())
	if g != nil && !errs.Has("geometry") {
		if err := geo.Validate(g, p.Area, s.Limits); err != nil {
			errs = append(errs, GeometryError(err))
		}
	}
	return errs
}

// GeometryError turns a geo error into a field error on "geometry".
func GeometryError(err error) model.FieldError {
	var ge *geo.Error
	if errors.As(err, &ge) {
		return model.FieldError{Field: "geometry", Code: ge.Code}
	}
	return model.FieldError{Field: "geometry", Code: "geometry_invalid"}
}

// Submit validates and stores a new contribution. It returns the stored
// contribution and the private manage token (shown once, stored hashed).
func (s *Service) Submit(ctx context.Context, p *model.Procedure, in model.ContributionInput, g orb.Geometry) (*model.Contribution, string, error) {
	if errs := s.validate(p, &in, g); len(errs) > 0 {
		return nil, "", errs
	}
	now := s.Now().UTC()
	origin := in.Origin
	if origin == "" {
		origin = "online"
	}
	status := model.Published
	if p.Settings.Moderation == model.ModerationPre {
		status = model.Submitted
	}
	c := &model.Contribution{
		ID: uuid.NewString(), ProcedureID: p.ID, Category: in.Category, Type: in.Type,
		Title: in.Title, Text: in.Text, Geometry: g, AuthorName: in.AuthorName, Origin: origin,
		Status: status, CreatedAt: now, UpdatedAt: now,
	}
	token := auth.NewToken()
	if err := s.Store.InsertContribution(ctx, c, auth.HashToken(token), ""); err != nil {
		return nil, "", err
	}
	return c, token, nil
}

// ByManageToken returns the contribution a manage token belongs to.
func (s *Service) ByManageToken(ctx context.Context, token string) (*model.Contribution, error) {
	if token == "" || len(token) > 100 {
		return nil, store.ErrNotFound
	}
	return s.Store.ContributionByManageHash(ctx, auth.HashToken(token))
}

// Edit changes the contribution behind a manage token, while the
// participation phase is open and it is not withdrawn, hidden or merged.
// Under pre-moderation an edited contribution goes back to the queue: a
// moderator approved the old text, not the new one.
func (s *Service) Edit(ctx context.Context, p *model.Procedure, token string, in model.ContributionInput, g orb.Geometry) (*model.Contribution, error) {
	c, err := s.ByManageToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if c.ProcedureID != p.ID {
		return nil, store.ErrNotFound
	}
	if errs := s.validate(p, &in, g); len(errs) > 0 {
		return nil, errs
	}
	return s.Store.UpdateContribution(ctx, c.ID, func(c *model.Contribution) error {
		if !editableStatus(c.Status) {
			return ErrNotEditable
		}
		c.Title, c.Text, c.Category, c.Type, c.AuthorName, c.Geometry = in.Title, in.Text, in.Category, in.Type, in.AuthorName, g
		if p.Settings.Moderation == model.ModerationPre {
			c.Status = model.Submitted
		}
		return nil
	})
}

// Withdraw marks the contribution behind a manage token as withdrawn. The
// record stays; it is only no longer shown.
func (s *Service) Withdraw(ctx context.Context, p *model.Procedure, token string) (*model.Contribution, error) {
	c, err := s.ByManageToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if c.ProcedureID != p.ID {
		return nil, store.ErrNotFound
	}
	if !p.Accepting() {
		return nil, ErrProcedureClosed
	}
	if !p.ParticipationOpen(s.Now()) {
		return nil, ErrPhaseClosed
	}
	return s.Store.UpdateContribution(ctx, c.ID, func(c *model.Contribution) error {
		if !editableStatus(c.Status) {
			return ErrNotEditable
		}
		c.Status = model.Withdrawn
		return nil
	})
}

// Visible returns a published contribution and its procedure.
func (s *Service) Visible(ctx context.Context, id string) (*model.Contribution, *model.Procedure, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, nil, store.ErrNotFound
	}
	c, err := s.Store.Contribution(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if c.Status != model.Published {
		return nil, nil, store.ErrNotFound
	}
	p, err := s.Store.ProcedureByID(ctx, c.ProcedureID)
	if err != nil {
		return nil, nil, err
	}
	if !p.Public() {
		// A draft's contributions are its team's (back office).
		return nil, nil, store.ErrNotFound
	}
	return c, p, nil
}

// Removed returns a contribution that was public and is no longer — hidden
// by moderation, merged into another or withdrawn by its author — with its
// procedure, so that its address can say what happened instead of "not
// found". Contributions still waiting for pre-moderation were never public
// and are not returned.
func (s *Service) Removed(ctx context.Context, id string) (*model.Contribution, *model.Procedure, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, nil, store.ErrNotFound
	}
	c, err := s.Store.Contribution(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	switch c.Status {
	case model.Hidden, model.Merged, model.Withdrawn:
	default:
		return nil, nil, store.ErrNotFound
	}
	p, err := s.Store.ProcedureByID(ctx, c.ProcedureID)
	if err != nil {
		return nil, nil, err
	}
	if !p.Public() {
		// A draft's contributions are its team's (back office).
		return nil, nil, store.ErrNotFound
	}
	return c, p, nil
}

// commentStatus is a new comment's status: under pre-moderation it waits
// for a moderator, as a new contribution does.
func commentStatus(p *model.Procedure) model.ContributionStatus {
	if p.Settings.Moderation == model.ModerationPre {
		return model.Submitted
	}
	return model.Published
}

// Comment adds a comment (parentID 0) or reply to a published contribution.
func (s *Service) Comment(ctx context.Context, contributionID string, parentID int64, text, author string) (*model.Comment, error) {
	_, p, err := s.Visible(ctx, contributionID)
	if err != nil {
		return nil, err
	}
	if err := s.open(p, p.Settings.Comments, ErrCommentsClosed); err != nil {
		return nil, err
	}
	text, author = model.Normalize(text), model.Normalize(author)
	if errs := model.ValidateComment(text, author); len(errs) > 0 {
		return nil, errs
	}
	m := &model.Comment{ContributionID: contributionID, ParentID: parentID, Text: text, AuthorName: author,
		Status: commentStatus(p), CreatedAt: s.Now().UTC()}
	if err := s.Store.AddComment(ctx, m); err != nil {
		return nil, err
	}
	return m, nil
}

// Rate records a voter's vote (1, -1, or 0 to remove it) and returns the counts.
func (s *Service) Rate(ctx context.Context, contributionID, voterKey string, value int) (int, int, error) {
	if value != 1 && value != -1 && value != 0 {
		return 0, 0, ErrInvalidVote
	}
	_, p, err := s.Visible(ctx, contributionID)
	if err != nil {
		return 0, 0, err
	}
	if err := s.open(p, p.Settings.Ratings, ErrRatingsClosed); err != nil {
		return 0, 0, err
	}
	return s.Store.Rate(ctx, contributionID, voterHash(voterKey), value)
}

// voterHash is what is stored of a browser's voter key.
func voterHash(voterKey string) []byte { return auth.HashToken("voter:" + voterKey) }

// open checks that residents may write to p now and that feature (the
// comments or ratings switch) is on.
func (s *Service) open(p *model.Procedure, feature model.Switch, closed error) error {
	if !p.Accepting() {
		return ErrProcedureClosed
	}
	if feature != model.SwitchOn {
		return closed
	}
	if !p.ParticipationOpen(s.Now()) {
		return ErrPhaseClosed
	}
	return nil
}

// RateConception records a voter's vote on a plan variant (1, -1, or 0 to
// remove it) and returns its counts.
func (s *Service) RateConception(ctx context.Context, p *model.Procedure, key, voterKey string, value int) (int, int, error) {
	if value != 1 && value != -1 && value != 0 {
		return 0, 0, ErrInvalidVote
	}
	if err := s.open(p, p.Settings.Ratings, ErrRatingsClosed); err != nil {
		return 0, 0, err
	}
	up, down, err := s.Store.RateConception(ctx, p.ID, key, voterHash(voterKey), value)
	if errors.Is(err, store.ErrNotFound) {
		err = ErrNoConception
	}
	return up, down, err
}

// ConceptionVote returns a voter's current vote on a plan variant.
func (s *Service) ConceptionVote(ctx context.Context, p *model.Procedure, key, voterKey string) int {
	if voterKey == "" {
		return 0
	}
	v, _ := s.Store.ConceptionVote(ctx, p.ID, key, voterHash(voterKey))
	return v
}

// CommentConception adds a comment to a plan variant.
func (s *Service) CommentConception(ctx context.Context, p *model.Procedure, key, text, author string) (*model.Comment, error) {
	if err := s.open(p, p.Settings.Comments, ErrCommentsClosed); err != nil {
		return nil, err
	}
	text, author = model.Normalize(text), model.Normalize(author)
	if errs := model.ValidateComment(text, author); len(errs) > 0 {
		return nil, errs
	}
	m := &model.Comment{Text: text, AuthorName: author, Status: commentStatus(p), CreatedAt: s.Now().UTC()}
	if err := s.Store.AddConceptionComment(ctx, p.ID, key, m); errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoConception
	} else if err != nil {
		return nil, err
	}
	return m, nil
}

// Vote returns a voter's current vote on a contribution.
func (s *Service) Vote(ctx context.Context, contributionID, voterKey string) int {
	if voterKey == "" {
		return 0
	}
	v, _ := s.Store.Vote(ctx, contributionID, voterHash(voterKey))
	return v
}

// Flag records a report of abuse on a published contribution or on a
// published comment of it (ErrNoComment otherwise).
func (s *Service) Flag(ctx context.Context, kind, contributionID, subjectID, reason string) error {
	if kind != "contribution" && kind != "comment" {
		return ErrInvalidFlagKind
	}
	if _, _, err := s.Visible(ctx, contributionID); err != nil {
		return err
	}
	if kind == "comment" {
		// Only a visible comment of this very contribution: a report must
		// not land on another contribution's comment or on nothing.
		err := s.Store.PublishedCommentOf(ctx, contributionID, subjectID)
		if errors.Is(err, store.ErrNotFound) {
			return ErrNoComment
		}
		if err != nil {
			return err
		}
	}
	reason = model.Normalize(reason)
	if r := []rune(reason); len(r) > 500 {
		reason = string(r[:500])
	}
	return s.Store.AddFlag(ctx, kind, subjectID, reason)
}

// FlagConceptionComment records a report of abuse on a published comment
// on plan variant key of p. Flags name comments by id; residents' and
// plan-variant comments share one id space, so the id names this comment
// alone.
func (s *Service) FlagConceptionComment(ctx context.Context, p *model.Procedure, key string, commentID int64, reason string) error {
	if err := s.Store.ConceptionCommentPublished(ctx, p.ID, key, commentID); err != nil {
		return err
	}
	reason = model.Normalize(reason)
	if r := []rune(reason); len(r) > 500 {
		reason = string(r[:500])
	}
	return s.Store.AddFlag(ctx, "comment", strconv.FormatInt(commentID, 10), reason)
}
