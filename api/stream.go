package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/streamjson"
	"github.com/labstack/echo/v4"
)

// Whole maps and whole node or edge lists are written as the store reads
// them (graph.MapStreamer), so a big map never sits in memory whole.

// streamHold is how many bytes of a streamed answer are held before the
// response starts. An answer that fits is sent only once it was read
// whole, so a failed read still gets its own status (404, 503, a retry on
// a commit landing during the read); a longer one is sent as it is read,
// and a read that fails after it started aborts the connection, so no
// client takes a cut-off map for a whole one.
const streamHold = 256 << 10

// streamJSON answers v as c.JSON does (indented with ?pretty), but
// encoded piece by piece as it is written (streamjson), so a value the
// size of a map is never held encoded.
func streamJSON(c echo.Context, code int, v any) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	c.Response().WriteHeader(code)
	w := newPacedWriter(c)
	if _, pretty := c.QueryParams()["pretty"]; pretty {
		return streamjson.EncodeIndent(w, v, "  ")
	}
	return streamjson.Encode(w, v)
}

// WriteWindow is the time an answer has to be written after its store or
// render time (see HTTPServer), and the time a streamed answer waits for
// the client to take its next piece. The server's write timeout counts
// from the request; a streamed answer moves the connection's write
// deadline on as it writes instead, so an answer that took its store time
// to compute, or minutes to send to a client that keeps reading, is not
// cut off, while a client that stops reading still is.
const WriteWindow = 2 * time.Minute

// pacedWriter writes a streamed answer, moving the write deadline
// WriteWindow past each write (at most once a second).
type pacedWriter struct {
	c     echo.Context
	rc    *http.ResponseController
	moved time.Time
}

func newPacedWriter(c echo.Context) *pacedWriter {
	w := &pacedWriter{c: c, rc: http.NewResponseController(c.Response().Writer)}
	w.pace()
	return w
}

// pace moves the deadline on; a writer without deadlines (a test's
// recorder) has none to move.
func (w *pacedWriter) pace() {
	if now := time.Now(); now.Sub(w.moved) >= time.Second {
		_ = w.rc.SetWriteDeadline(now.Add(WriteWindow))
		w.moved = now
	}
}

func (w *pacedWriter) Write(p []byte) (int, error) {
	w.pace()
	return w.c.Response().Write(p)
}

// errNotModified stops a stream whose ETag the client already has.
var errNotModified = errors.New("not modified")

// heldWriter holds the first streamHold bytes, then starts the response
// (written through a pacedWriter).
type heldWriter struct {
	c       echo.Context
	ctype   string
	buf     bytes.Buffer
	started bool
	out     *pacedWriter
}

func (w *heldWriter) Write(p []byte) (int, error) {
	if w.started {
		return w.out.Write(p)
	}
	w.buf.Write(p)
	if w.buf.Len() < streamHold {
		return len(p), nil
	}
	w.started = true
	w.c.Response().Header().Set(echo.HeaderContentType, w.ctype)
	w.c.Response().WriteHeader(http.StatusOK)
	w.out = newPacedWriter(w.c)
	if _, err := w.out.Write(w.buf.Bytes()); err != nil {
		return 0, err
	}
	w.buf = bytes.Buffer{}
	return len(p), nil
}

// finish sends what is held as the whole answer, with a write deadline
// counted from now: the read before it may have taken its store time.
func (w *heldWriter) finish() error {
	if w.started {
		return nil
	}
	newPacedWriter(w.c)
	return w.c.Blob(http.StatusOK, w.ctype, w.buf.Bytes())
}

// streamEncoder is a map encoding that takes the map piece by piece.
type streamEncoder interface {
	Visitor() graph.MapVisitor
	Close() error
}

// streamMap answers with map id encoded by the encoder newEnc makes:
// ETag from the map's version (304 when If-None-Match has it), head (if
// not nil) sets the other headers. A read that saw a commit land during it
// is read again (up to three times) while nothing was sent.
func (s *Server) streamMap(c echo.Context, id, ctype string, newEnc func(w io.Writer) (streamEncoder, error), head func(m *graph.Map)) error {
	ctx := graph.WithWriteInfo(c.Request().Context(), writeInfo(c))
	if c.Request().Method == http.MethodHead {
		return s.streamHead(ctx, c, id, ctype, head)
	}
	for attempt := 1; ; attempt++ {
		w := &heldWriter{c: c, ctype: ctype}
		enc, err := newEnc(w)
		if err != nil {
			return err
		}
		v := enc.Visitor()
		onHead := v.Head
		v.Head = func(m *graph.Map) error {
			tag := etag(m.Version)
			c.Response().Header().Set("ETag", tag)
			if notModified(c, tag) {
				return errNotModified
			}
			if head != nil {
				head(m)
			}
			return onHead(m)
		}
		err = graph.StreamOf(s.cfg.Store).StreamMap(ctx, id, v)
		if err == nil {
			err = enc.Close()
		}
		switch {
		case err == nil:
			return w.finish()
		case errors.Is(err, errNotModified):
			return c.NoContent(http.StatusNotModified)
		case w.started:
			s.log.Warn("streamed answer cut off", "map", id, "error", err)
			panic(http.ErrAbortHandler)
		case errors.Is(err, graph.ErrConflict) && attempt < 3:
			continue
		case errors.Is(err, graph.ErrNotFound):
			return notFound("no map %q", id)
		case errors.Is(err, graph.ErrConflict):
			// A read is no write that lost a race: 503, try again.
			return storeErr(fmt.Errorf("map %q changed during each of %d reads: %w", id, attempt, graph.ErrUnavailable))
		}
		return storeErr(fmt.Errorf("read map %q: %w", id, err))
	}
}

// streamHead answers HEAD from the map's own fields alone: the ETag
// (which is what HEAD is for) without reading a node or an edge.
func (s *Server) streamHead(ctx context.Context, c echo.Context, id, ctype string, head func(m *graph.Map)) error {
	err := graph.StreamOf(s.cfg.Store).StreamMap(ctx, id, graph.MapVisitor{Head: func(m *graph.Map) error {
		tag := etag(m.Version)
		c.Response().Header().Set("ETag", tag)
		if notModified(c, tag) {
			return errNotModified
		}
		if head != nil {
			head(m)
		}
		return errHeadRead
	}})
	switch {
	case errors.Is(err, errHeadRead):
		c.Response().Header().Set(echo.HeaderContentType, ctype)
		return c.NoContent(http.StatusOK)
	case errors.Is(err, errNotModified):
		return c.NoContent(http.StatusNotModified)
	case errors.Is(err, graph.ErrNotFound):
		return notFound("no map %q", id)
	}
	return storeErr(fmt.Errorf("read map %q: %w", id, err))
}

// errHeadRead stops a read once the map's own fields are in.
var errHeadRead = errors.New("head read")

// jsonStream writes the JSON the API answers with (encoding/json, as
// echo's c.JSON writes it: compact, one line) piece by piece: the whole
// map, or only its nodes or only its edges as an array.
type jsonStream struct {
	w    io.Writer
	what string // "map", "nodes" or "edges"
	head *graph.Map
	part int // items written in the current list; -1 before the first list
	list string
	err  error
}

func newJSONStream(w io.Writer, what string) *jsonStream {
	return &jsonStream{w: w, what: what, part: -1}
}

func (j *jsonStream) write(b []byte) {
	if j.err == nil {
		_, j.err = j.w.Write(b)
	}
}

func (j *jsonStream) writeJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil && j.err == nil {
		j.err = err
	}
	j.write(b)
}

// mapHead is graph.Map's JSON up to its nodes, in its field order.
type mapHead struct {
	ID       string `json:"id"`
	Title    string `json:"title,omitempty"`
	Currency string `json:"currency,omitempty"`
	Source   string `json:"source,omitempty"`
	AsOf     string `json:"as_of,omitempty"`
	Version  int64  `json:"version,omitempty"`
}

func (j *jsonStream) Visitor() graph.MapVisitor {
	v := graph.MapVisitor{Head: j.onHead}
	if j.what != "edges" {
		v.Node = func(n *graph.Node) error { return j.item("nodes", n) }
	}
	if j.what != "nodes" {
		v.Edge = func(e *graph.Edge) error { return j.item("edges", e) }
	}
	return v
}

func (j *jsonStream) onHead(m *graph.Map) error {
	j.head = m
	if j.what == "map" {
		b, err := json.Marshal(mapHead{m.ID, m.Title, m.Currency, m.Source, m.AsOf, m.Version})
		if err != nil {
			return err
		}
		j.write(b[:len(b)-1])
	}
	return j.err
}

// open starts list name, ending the one before.
func (j *jsonStream) open(name string) {
	if j.list == name {
		return
	}
	if j.list != "" {
		j.write([]byte("]"))
	}
	j.list = name
	j.part = 0
	if j.what == "map" {
		j.write([]byte(`,"` + name + `":[`))
	} else {
		j.write([]byte("["))
	}
}

func (j *jsonStream) item(list string, v any) error {
	if list == "edges" && j.what == "map" && j.list == "" {
		j.open("nodes")
	}
	j.open(list)
	if j.part > 0 {
		j.write([]byte(","))
	}
	j.part++
	j.writeJSON(v)
	return j.err
}

func (j *jsonStream) Close() error {
	if j.head == nil {
		return errors.New("encode map: no map was read")
	}
	switch j.what {
	case "map":
		if j.list == "" {
			j.open("nodes")
		}
		j.open("edges")
		j.write([]byte("]"))
		if j.head.Classification != nil {
			j.write([]byte(`,"classification":`))
			j.writeJSON(j.head.Classification)
		}
		j.write([]byte("}\n"))
	default:
		j.open(j.what)
		j.write([]byte("]\n"))
	}
	return j.err
}
