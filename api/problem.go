package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/chanmap/chanmap/graph"
	"github.com/labstack/echo/v4"
)

// MIMEProblem is the media type of every error answer (RFC 9457).
const MIMEProblem = "application/problem+json"

// problem is an error answer: RFC 9457 problem details plus errors[], one per
// bad field, each located by a JSON pointer into the request document.
type problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []problemField `json:"errors,omitempty"`

	headers map[string]string // extra answer headers (Retry-After, ETag)
	cause   error             // logged, never shown
}

// problemField is one located problem.
type problemField struct {
	Pointer string `json:"pointer,omitempty"`
	Field   string `json:"field,omitempty"`
	Value   string `json:"value,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

func (p *problem) Error() string {
	if p.Detail != "" {
		return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail)
	}
	return fmt.Sprintf("%d %s", p.Status, p.Title)
}

func (p *problem) Unwrap() error { return p.cause }

// newProblem makes a problem of the given status; kind names its type
// (urn:chanmap:problem:KIND).
func newProblem(status int, kind, detail string) *problem {
	return &problem{
		Type:   "urn:chanmap:problem:" + kind,
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
	}
}

func (p *problem) with(header, value string) *problem {
	if p.headers == nil {
		p.headers = map[string]string{}
	}
	p.headers[header] = value
	return p
}

func badRequest(detail string, fields ...problemField) *problem {
	p := newProblem(http.StatusBadRequest, "invalid", detail)
	p.Errors = fields
	return p
}

func notFound(format string, a ...any) *problem {
	return newProblem(http.StatusNotFound, "not-found", fmt.Sprintf(format, a...))
}

func unsupportedMedia(got string, want ...string) *problem {
	return newProblem(http.StatusUnsupportedMediaType, "unsupported-media-type",
		fmt.Sprintf("Content-Type %q is not accepted here; send one of %v", got, want))
}

func preconditionRequired() *problem {
	return newProblem(http.StatusPreconditionRequired, "if-match-required",
		`writes to an existing map need If-Match with the version from the map's ETag (for example If-Match: "3")`)
}

func preconditionFailed(mapID string, sent, current int64) *problem {
	p := newProblem(http.StatusPreconditionFailed, "stale-version",
		fmt.Sprintf("map %q is at version %d, the write was based on version %d; read it again and retry", mapID, current, sent))
	if current > 0 {
		p.with("ETag", etag(current))
	}
	return p
}

// validationProblem turns graph's located problems into a 400.
func validationProblem(ve *graph.ValidationError) *problem {
	p := badRequest(fmt.Sprintf("the map would be invalid: %d problem(s)", len(ve.Problems)))
	p.Type = "urn:chanmap:problem:validation"
	for _, gp := range ve.Problems {
		p.Errors = append(p.Errors, problemField{
			Pointer: gp.Pointer, Field: gp.Field, Value: gp.Value, Line: gp.Line, Message: gp.Message,
		})
	}
	if len(ve.Problems) == 1 {
		p.Detail = "the map would be invalid: " + ve.Problems[0].String()
	}
	return p
}

// storeErr maps an error from the store (or from graph on user data) to the
// answer it deserves. Store failures that are not about the request are 503:
// the server keeps running and answers again once the store is back.
func storeErr(err error) error {
	var ve *graph.ValidationError
	var p *problem
	switch {
	case err == nil:
		return nil
	case errors.As(err, &p):
		return p
	case errors.As(err, &ve):
		return validationProblem(ve)
	case errors.Is(err, graph.ErrNotFound):
		return notFound("%s", err.Error())
	case errors.Is(err, graph.ErrExists):
		return newProblem(http.StatusConflict, "exists", err.Error())
	case errors.Is(err, graph.ErrConflict):
		q := newProblem(http.StatusPreconditionFailed, "stale-version", err.Error()+"; read it again and retry")
		return q
	case errors.Is(err, context.DeadlineExceeded):
		// The store answers, too slowly for this request: a map too big
		// to read whole in the time, most often.
		q := newProblem(http.StatusServiceUnavailable, "store-timeout",
			"the map store did not answer within the request's time limit; a map this big may need a longer one (chanmap serve --store-timeout)")
		q.cause = err
		return q.with("Retry-After", "5")
	case errors.Is(err, context.Canceled):
		q := newProblem(http.StatusServiceUnavailable, "cancelled", "the request was cancelled")
		q.cause = err
		return q
	default:
		q := newProblem(http.StatusServiceUnavailable, "store-unavailable", "the map store cannot be reached now; try again shortly")
		q.cause = err
		return q.with("Retry-After", "5")
	}
}

// handleError is echo's error handler: every error leaves as problem+json.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := s.toProblem(err)
	if p.Status >= 500 {
		cause := err
		if p.cause != nil {
			cause = p.cause
		}
		s.log.Error("request failed", "request_id", requestID(c), "method", c.Request().Method,
			"path", c.Request().URL.Path, "status", p.Status, "err", cause)
	}
	p.RequestID = requestID(c)
	p.Instance = c.Request().URL.Path
	h := c.Response().Header()
	for k, v := range p.headers {
		h.Set(k, v)
	}
	if p.Status == http.StatusServiceUnavailable && h.Get("Retry-After") == "" {
		h.Set("Retry-After", "5")
	}
	if p.Status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="chanmap"`)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.Status)
		return
	}
	body, mErr := json.Marshal(p)
	if mErr != nil {
		body = []byte(`{"type":"about:blank","title":"Internal Server Error","status":500}`)
	}
	_ = c.Blob(p.Status, MIMEProblem, body)
}

func (s *Server) toProblem(err error) *problem {
	var p *problem
	var he *echo.HTTPError
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &p):
		return p
	case errors.As(err, &mb):
		return tooLarge(mb.Limit)
	case errors.As(err, &he):
		kind := map[int]string{
			http.StatusNotFound:              "not-found",
			http.StatusMethodNotAllowed:      "method-not-allowed",
			http.StatusRequestEntityTooLarge: "too-large",
			http.StatusUnsupportedMediaType:  "unsupported-media-type",
			http.StatusUnauthorized:          "unauthorized",
			http.StatusForbidden:             "forbidden",
		}[he.Code]
		if kind == "" {
			kind = "http-" + strconv.Itoa(he.Code)
		}
		q := newProblem(he.Code, kind, "")
		if msg, ok := he.Message.(string); ok && msg != http.StatusText(he.Code) {
			q.Detail = msg
		}
		if he.Code == http.StatusNotFound && q.Detail == "" {
			q.Detail = "no such route: see /api/openapi.json"
		}
		return q
	default:
		q := newProblem(http.StatusInternalServerError, "internal", "the server failed; the request id in this answer finds it in the log")
		q.cause = err
		return q
	}
}

func tooLarge(limit int64) *problem {
	return newProblem(http.StatusRequestEntityTooLarge, "too-large",
		fmt.Sprintf("the request body is over the server's limit of %d bytes", limit))
}

func asValidation(err error, ve **graph.ValidationError) bool { return errors.As(err, ve) }
