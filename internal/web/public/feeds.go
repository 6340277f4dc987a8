package public

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/moderation"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// Atom feeds (RFC 4287) for residents who follow a procedure or a
// contribution without e-mail: /p/{slug}/feed.atom and
// /p/{slug}/contributions/{id}/feed.atom. They hold published content only
// (store.FeedItems). Entry ids are URNs that do not depend on the address
// the server is reached at: a contribution's own UUID, and name-based
// UUIDs (version 5) for responses, comments and status changes.

// feedNamespace is the namespace of Mitreden's name-based feed ids.
var feedNamespace = uuid.MustParse("5c1f4a8e-2d7b-4a63-9f0e-8b1d6c3e7a20")

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Gen     string      `xml:"generator"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     string     `xml:"title"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published"`
	Link      atomLink   `xml:"link"`
	Author    atomPerson `xml:"author"`
	Content   atomText   `xml:"content"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// feedID is the stable URN of something a feed names.
func feedID(name string) string {
	return "urn:uuid:" + uuid.NewSHA1(feedNamespace, []byte(name)).String()
}

// procedureFeed serves /p/{slug}/feed.atom: the procedure's new
// contributions, official responses and planning status changes.
func (h *Handler) procedureFeed(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	items, err := h.Part.Feed(c.UserContext(), p.ID, "")
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	base := h.BaseURL(c)
	title := p.Text(l.Tag).Title
	f := atomFeed{ID: feedID("procedure:" + p.Slug), Title: l.T("feed.title_procedure", "Title", title),
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + "/p/" + p.Slug + "/feed.atom"},
			{Rel: "alternate", Type: "text/html", Href: base + "/p/" + p.Slug}}}
	return h.sendFeed(c, l, p, f, items)
}

// contributionFeed serves /p/{slug}/contributions/{id}/feed.atom: the
// contribution, its official responses, its published comments and its
// planning status changes — while it is published (404 otherwise).
func (h *Handler) contributionFeed(c *fiber.Ctx) error {
	ct, p, err := h.Part.Visible(c.UserContext(), c.Params("id"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && p.Slug != c.Params("slug")) {
		return h.notFound(c, "error.contribution_not_found")
	}
	if err != nil {
		return err
	}
	items, err := h.Part.Feed(c.UserContext(), p.ID, ct.ID)
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	base := h.BaseURL(c)
	page := base + "/p/" + p.Slug + "/contributions/" + ct.ID
	f := atomFeed{ID: feedID("contribution-feed:" + ct.ID), Title: l.T("feed.title_contribution", "Title", ct.Title),
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: page + "/feed.atom"},
			{Rel: "alternate", Type: "text/html", Href: page}}}
	return h.sendFeed(c, l, p, f, items)
}

// sendFeed adds the entries to f and answers it, with an ETag and
// Last-Modified so that feed readers can ask cheaply.
func (h *Handler) sendFeed(c *fiber.Ctx, l *content.Localizer, p *model.Procedure, f atomFeed, items []store.FeedItem) error {
	base := h.BaseURL(c)
	updated := p.UpdatedAt
	if len(items) > 0 {
		updated = items[0].At // newest first
	}
	f.Updated = atomTime(updated)
	f.Author = atomPerson{Name: p.Text(l.Tag).Title}
	f.Gen = "Mitreden"
	for _, it := range items {
		f.Entries = append(f.Entries, h.feedEntry(l, p, base, it))
	}
	body, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		return err
	}
	body = append([]byte(xml.Header), body...)
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderLastModified, updated.UTC().Format(http.TimeFormat))
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
	return c.Send(body)
}

func (h *Handler) feedEntry(l *content.Localizer, p *model.Procedure, base string, it store.FeedItem) atomEntry {
	page := base + "/p/" + p.Slug + "/contributions/" + it.ContributionID
	author := it.Author
	if author == "" {
		author = l.T("contribution.anonymous")
	}
	e := atomEntry{Updated: atomTime(it.At), Published: atomTime(it.At), Author: atomPerson{Name: author},
		Link: atomLink{Rel: "alternate", Type: "text/html", Href: page}}
	switch it.Kind {
	case store.FeedContribution:
		e.ID = "urn:uuid:" + it.ContributionID
		e.Title = l.T("feed.entry_contribution", "Title", it.Title)
		e.Content = atomText{Type: "text", Body: it.Text}
	case store.FeedResponse:
		e.ID = feedID("response:" + it.ContributionID + ":" + strconv.FormatInt(it.ID, 10))
		e.Title = l.T("feed.entry_response", "Title", it.Title)
		e.Content = atomText{Type: "html", Body: string(h.Markdown.Render(it.Text))}
	case store.FeedComment:
		e.ID = feedID("comment:" + it.ContributionID + ":" + strconv.FormatInt(it.ID, 10))
		e.Title = l.T("feed.entry_comment", "Title", it.Title)
		e.Link.Href = page + "#comment-" + strconv.FormatInt(it.ID, 10)
		e.Content = atomText{Type: "text", Body: it.Text}
	case store.FeedPlanning:
		label := moderation.PlanningLabel(l, p, it.Status)
		if label == "" {
			label = it.Status // a key the procedure no longer lists
		}
		e.ID = feedID("planning:" + it.ContributionID + ":" + strconv.FormatInt(it.ID, 10))
		e.Title = l.T("feed.entry_planning", "Title", it.Title, "Status", label)
		e.Author = atomPerson{Name: p.Text(l.Tag).Title}
		e.Content = atomText{Type: "text", Body: l.T("planning.label") + ": " + label}
	}
	return e
}
