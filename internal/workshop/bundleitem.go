package workshop

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// bundleItem decodes and checks one bundle contribution.
func (d *Decoder) bundleItem(dec *json.Decoder, n int) (store.ImportItem, error) {
	var it bundleItem
	if err := dec.Decode(&it); err != nil {
		return store.ImportItem{}, invalid(n, "%v", err)
	}
	id, err := uuid.Parse(it.ID)
	if err != nil || id.String() != it.ID {
		return store.ImportItem{}, invalid(n, "id must be a UUID in canonical form")
	}
	status := model.ContributionStatus(it.Status)
	switch status {
	case model.Published, model.Submitted, model.Hidden, model.Withdrawn:
		if it.MergedInto != "" {
			return store.ImportItem{}, invalid(n, "merged_into is only for status merged")
		}
	case model.Merged:
		if u, err := uuid.Parse(it.MergedInto); err != nil || u.String() != it.MergedInto || it.MergedInto == it.ID {
			return store.ImportItem{}, invalid(n, "merged_into must name another contribution by its UUID")
		}
	case "":
		status = model.Published
	default:
		return store.ImportItem{}, invalid(n, "status %q cannot be imported (published, submitted, hidden, merged or withdrawn)", it.Status)
	}
	origin := it.Origin
	if origin == "" {
		origin = "import"
	}
	if it.Up < 0 || it.Down < 0 || it.Up > 1_000_000 || it.Down > 1_000_000 {
		return store.ImportItem{}, invalid(n, "rating counts must be between 0 and 1000000")
	}
	c, err := d.contribution(n, it.ID, it.Category, it.Type, it.Title, it.Text, it.AuthorName, origin, it.Geometry)
	if err != nil {
		return store.ImportItem{}, err
	}
	c.Status, c.Up, c.Down, c.MergedInto = status, it.Up, it.Down, it.MergedInto
	if c.Reason, err = d.short(it.Reason, 1000); err != nil {
		return store.ImportItem{}, invalid(n, "reason: %v", err)
	}
	if c.CreatedAt, err = d.stamp(it.CreatedAt); err != nil {
		return store.ImportItem{}, invalid(n, "created_at: %v", err)
	}
	if c.UpdatedAt, err = d.stamp(it.UpdatedAt); err != nil {
		return store.ImportItem{}, invalid(n, "updated_at: %v", err)
	}
	if c.UpdatedAt.Before(c.CreatedAt) {
		c.UpdatedAt = c.CreatedAt
	}
	if len(it.Comments) > 10_000 {
		return store.ImportItem{}, invalid(n, "more than 10000 comments")
	}
	out := store.ImportItem{Key: "bundle:" + it.ID, Contribution: c}
	if out.Flags, err = d.flags(0, it.Flags); err != nil {
		return store.ImportItem{}, invalid(n, "%v", err)
	}
	seen := map[int64]bool{}
	for i, m := range it.Comments {
		text, author := model.Normalize(m.Text), model.Normalize(m.AuthorName)
		if errs := model.ValidateComment(text, author); len(errs) > 0 {
			return store.ImportItem{}, invalid(n, "comment %d: %v", i+1, errs)
		}
		if m.ID <= 0 || seen[m.ID] {
			return store.ImportItem{}, invalid(n, "comment %d: id must be set and unique", i+1)
		}
		if m.ParentID != 0 && !seen[m.ParentID] {
			return store.ImportItem{}, invalid(n, "comment %d: parent_id must name an earlier comment", i+1)
		}
		seen[m.ID] = true
		st := model.ContributionStatus(m.Status)
		switch st {
		case model.Published, model.Hidden, model.Submitted:
		case "":
			st = model.Published
		default:
			return store.ImportItem{}, invalid(n, "comment %d: status %q cannot be imported (published, submitted or hidden)", i+1, m.Status)
		}
		at, err := d.stamp(m.CreatedAt)
		if err != nil {
			return store.ImportItem{}, invalid(n, "comment %d: created_at: %v", i+1, err)
		}
		out.Comments = append(out.Comments, model.Comment{ID: m.ID, ParentID: m.ParentID, Text: text, AuthorName: author,
			Status: st, CreatedAt: at})
		fl, err := d.flags(m.ID, m.Flags)
		if err != nil {
			return store.ImportItem{}, invalid(n, "comment %d: %v", i+1, err)
		}
		out.Flags = append(out.Flags, fl...)
	}
	if len(it.Responses) > 1000 {
		return store.ImportItem{}, invalid(n, "more than 1000 responses")
	}
	for i, r := range it.Responses {
		text := model.Normalize(r.Text)
		if text == "" || len(text) > 100_000 {
			return store.ImportItem{}, invalid(n, "response %d: the text must hold 1 to 100000 bytes", i+1)
		}
		author, err := d.short(r.Author, 200)
		if err != nil {
			return store.ImportItem{}, invalid(n, "response %d: author: %v", i+1, err)
		}
		at, err := d.stamp(r.CreatedAt)
		if err != nil {
			return store.ImportItem{}, invalid(n, "response %d: created_at: %v", i+1, err)
		}
		out.Responses = append(out.Responses, model.Response{TextMD: text, Author: author, CreatedAt: at})
	}
	if it.Ratings != nil {
		if len(*it.Ratings) > 2_000_000 {
			return store.ImportItem{}, invalid(n, "more than 2000000 ratings")
		}
		voters := map[string]bool{}
		for i, r := range *it.Ratings {
			h, err := hex.DecodeString(r.Voter)
			if err != nil || len(h) == 0 || len(h) > 64 {
				return store.ImportItem{}, invalid(n, "rating %d: voter must be a hash in hex (1 to 64 bytes)", i+1)
			}
			if r.Value != 1 && r.Value != -1 {
				return store.ImportItem{}, invalid(n, "rating %d: value must be 1 or -1", i+1)
			}
			if voters[string(h)] {
				return store.ImportItem{}, invalid(n, "rating %d: the voter rated twice", i+1)
			}
			voters[string(h)] = true
			at, err := d.stamp(r.CreatedAt)
			if err != nil {
				return store.ImportItem{}, invalid(n, "rating %d: created_at: %v", i+1, err)
			}
			out.Ratings = append(out.Ratings, store.Rating{Voter: h, Value: r.Value, CreatedAt: at})
		}
	}
	return out, nil
}

// flags checks the reports on a contribution (comment 0) or a comment.
func (d *Decoder) flags(comment int64, in []bundleFlag) ([]store.Flag, error) {
	if len(in) > 10_000 {
		return nil, errors.New("more than 10000 reports")
	}
	var out []store.Flag
	for i, f := range in {
		reason, err := d.short(f.Reason, 500)
		if err != nil {
			return nil, fmt.Errorf("report %d: reason: %v", i+1, err)
		}
		by, err := d.short(f.ResolvedBy, 200)
		if err != nil {
			return nil, fmt.Errorf("report %d: resolved_by: %v", i+1, err)
		}
		at, err := d.stamp(f.CreatedAt)
		if err != nil {
			return nil, fmt.Errorf("report %d: created_at: %v", i+1, err)
		}
		x := store.Flag{CommentID: comment, Reason: reason, CreatedAt: at, ResolvedBy: by}
		if f.ResolvedAt != "" {
			if x.ResolvedAt, err = d.stamp(f.ResolvedAt); err != nil {
				return nil, fmt.Errorf("report %d: resolved_at: %v", i+1, err)
			}
		}
		out = append(out, x)
	}
	return out, nil
}

// short normalises a short text and checks its length in characters.
func (d *Decoder) short(s string, max int) (string, error) {
	s = model.Normalize(s)
	if utf8.RuneCountInString(s) > max {
		return "", fmt.Errorf("longer than %d characters", max)
	}
	return s, nil
}
