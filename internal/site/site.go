// Package site holds what the operators of a Mitreden site write for the
// site itself rather than for one procedure (BITV 2.0): their own texts of
// the site pages a public body must have, in each language, and the videos
// in German Sign Language (DGS) with captions for the start page and for
// each procedure. Pages the operators have not written show the text the
// program ships (data/site).
package site

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mitreden/mitreden/data"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Store is what the site capability needs of the data store.
type Store interface {
	SitePage(ctx context.Context, name, variant string) (string, bool, error)
	SitePageVariants(ctx context.Context) (map[string][]string, error)
	SaveSitePage(ctx context.Context, name, variant, md string, now time.Time, a store.Audited) error
	SignVideo(ctx context.Context, procedureID int64) (*store.SignVideo, error)
	SaveSignVideo(ctx context.Context, v store.SignVideo, a store.Audited) error
	DeleteSignVideo(ctx context.Context, procedureID int64, a store.Audited) error
}

// Variants are the texts a site page can have: German (""), English,
// Leichte Sprache ("easy"), Turkish, Arabic, Ukrainian.
var Variants = []string{"", "en", "easy", "tr", "ar", "uk"}

// Limits of what the operators upload and write.
const (
	MaxBody     = 50000   // characters of a site page
	MaxVideo    = 8 << 20 // bytes of a sign-language video
	MaxCaptions = 256 << 10
)

// ErrNotFound: no such page, variant or video.
var ErrNotFound = errors.New("site: not found")

// Service reads and keeps the site's own content.
type Service struct {
	Store Store
	Now   func() time.Time
}

// New makes the service over st.
func New(st Store) *Service { return &Service{Store: st, Now: time.Now} }

// VariantOf is the variant of a site page that serves a locale: German
// and its easy variant by name, the others by their tag.
func VariantOf(locale string) string {
	switch locale {
	case "de":
		return ""
	case "de-x-ls":
		return "easy"
	}
	return locale
}

func known(name, variant string) bool {
	return slices.Contains(data.SitePages, name) && slices.Contains(Variants, variant)
}

// Page returns the text of a site page in one variant: the operators' own
// where they wrote one, else the text the program ships; ok is false when
// neither exists.
func (s *Service) Page(ctx context.Context, name, variant string) (md string, own, ok bool, err error) {
	if !known(name, variant) {
		return "", false, false, nil
	}
	if md, ok, err := s.Store.SitePage(ctx, name, variant); err != nil || ok {
		return md, ok, ok, err
	}
	md, ok = data.SitePage(name, variant)
	return md, false, ok, nil
}

// Written lists per page the variants the operators have written.
func (s *Service) Written(ctx context.Context) (map[string][]string, error) {
	return s.Store.SitePageVariants(ctx)
}

// SavePage keeps the operators' text of a site page; an empty text goes
// back to the shipped one. Only accounts that manage the site may.
func (s *Service) SavePage(ctx context.Context, actor *model.User, name, variant, md string) error {
	if !known(name, variant) {
		return ErrNotFound
	}
	md = strings.TrimSpace(strings.ReplaceAll(md, "\r\n", "\n"))
	switch {
	case !utf8.ValidString(md):
		return model.Errors{{Field: "body", Code: "invalid_utf8"}}
	case utf8.RuneCountInString(md) > MaxBody:
		return model.Errors{{Field: "body", Code: "too_long", Args: map[string]any{"Max": MaxBody}}}
	}
	return s.Store.SaveSitePage(ctx, name, variant, md, s.Now(), store.Audited{Actor: actor.Email, Action: "site.page"})
}

// Video returns the sign-language video of a procedure, or the site's for
// store.SiteProcedure; ErrNotFound when none was uploaded.
func (s *Service) Video(ctx context.Context, procedureID int64) (*store.SignVideo, error) {
	v, err := s.Store.SignVideo(ctx, procedureID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	return v, err
}

// HasVideo reports whether a procedure (or the site) has its video.
func (s *Service) HasVideo(ctx context.Context, procedureID int64) (bool, error) {
	_, err := s.Video(ctx, procedureID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// SaveVideo keeps a sign-language video with its captions, each judged by
// its content: the video must be MP4 or WebM, the captions WebVTT (a video
// without captions would leave out those who cannot hear and do not sign).
func (s *Service) SaveVideo(ctx context.Context, actor *model.User, procedureID int64, video, captions []byte) error {
	var errs model.Errors
	mime := ""
	switch {
	case len(video) == 0:
		errs = append(errs, model.FieldError{Field: "video", Code: "required"})
	case len(video) > MaxVideo:
		errs = append(errs, model.FieldError{Field: "video", Code: "dgs_video_too_big", Args: map[string]any{"Max": MaxVideo >> 20}})
	default:
		mime = videoType(video)
		if mime == "" {
			errs = append(errs, model.FieldError{Field: "video", Code: "dgs_video_type"})
		}
	}
	switch {
	case len(captions) == 0:
		errs = append(errs, model.FieldError{Field: "captions", Code: "required"})
	case len(captions) > MaxCaptions || !utf8.Valid(captions) || !isVTT(captions):
		errs = append(errs, model.FieldError{Field: "captions", Code: "dgs_captions_type"})
	}
	if len(errs) > 0 {
		return errs
	}
	return s.Store.SaveSignVideo(ctx, store.SignVideo{ProcedureID: procedureID, MIME: mime, Video: video,
		Captions: string(captions), UpdatedAt: s.Now()}, store.Audited{Actor: actor.Email, Action: "site.sign_video"})
}

// DeleteVideo removes the sign-language video of a procedure or the site.
func (s *Service) DeleteVideo(ctx context.Context, actor *model.User, procedureID int64) error {
	err := s.Store.DeleteSignVideo(ctx, procedureID, store.Audited{Actor: actor.Email, Action: "site.sign_video_delete"})
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

// videoType judges a video by its content: MP4 (an ftyp box first) or
// WebM (an EBML header); "" for anything else.
func videoType(b []byte) string {
	switch http.DetectContentType(b) {
	case "video/mp4":
		return "video/mp4"
	case "video/webm":
		return "video/webm"
	}
	return ""
}

// isVTT reports whether b is a WebVTT file: "WEBVTT" (after an optional
// byte-order mark) followed by the end of the line, a space or a tab.
func isVTT(b []byte) bool {
	s := strings.TrimPrefix(string(b), "\ufeff")
	rest, ok := strings.CutPrefix(s, "WEBVTT")
	return ok && (rest == "" || strings.ContainsAny(rest[:1], " \t\r\n"))
}
