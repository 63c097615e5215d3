package api

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/graph/mapio/sheet"
	"github.com/chanmap/chanmap/graph/usecase"
	"github.com/labstack/echo/v4"
)

// MIMEXLSX is the media type of an Excel workbook.
const MIMEXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

var exportTypes = map[string]string{
	"yaml": "application/yaml",
	"json": "application/json",
	"csv":  "application/zip",
	"xlsx": MIMEXLSX,
}

// export answers the map as a file: the map file (YAML or JSON, written as
// the store reads it, see streamMap), the two tables as a zip of nodes.csv
// and edges.csv, or one workbook.
func (s *Server) export(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := param(c, "map")
		if f := mapio.Format(format); f == mapio.YAML || f == mapio.JSON {
			return s.streamMap(c, id, exportTypes[format],
				func(w io.Writer) (streamEncoder, error) { return mapio.NewEncoder(w, f) },
				func(m *graph.Map) {
					c.Response().Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", m.ID+"."+format))
				})
		}
		ctx, cancel := s.storeCtx(c)
		defer cancel()
		m, enc, err := usecase.Export(ctx, s.cfg.Store, id, mapio.Format(format))
		switch {
		case errors.Is(err, graph.ErrNotFound):
			return notFound("no map %q", id)
		case err != nil:
			var ve *graph.ValidationError
			if asValidation(err, &ve) {
				return validationProblem(ve)
			}
			return storeErr(err)
		}
		tag := etag(m.Version)
		h := c.Response().Header()
		h.Set("ETag", tag)
		if notModified(c, tag) {
			return c.NoContent(http.StatusNotModified)
		}
		name, body := m.ID+"."+format, enc.Map
		if enc.Format == mapio.CSV {
			var buf bytes.Buffer
			if err := writeCSVZip(&buf, enc); err != nil {
				return fmt.Errorf("export %s as csv: %w", m.ID, err)
			}
			name, body = m.ID+"-csv.zip", buf.Bytes()
		}
		h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
		return c.Blob(http.StatusOK, exportTypes[format], body)
	}
}

// writeCSVZip writes the tables as nodes.csv and edges.csv in one zip archive.
func writeCSVZip(w io.Writer, enc mapio.Encoded) error {
	zw := zip.NewWriter(w)
	for _, f := range []struct {
		name string
		data []byte
	}{{"nodes.csv", enc.Nodes}, {"edges.csv", enc.Edges}} {
		fw, err := zw.Create(f.name)
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// importMap replaces the map's content from uploaded files: part "map" (a
// map file), parts "nodes" and "edges" (CSV tables) or part "workbook"
// (XLSX). Everything is read and validated before the one change set is
// applied; a bad row changes nothing.
func (s *Server) importMap(c echo.Context) error {
	old, expected, err := s.loadForWrite(c)
	if err != nil {
		return err
	}
	req := c.Request()
	mt := strings.ToLower(strings.TrimSpace(strings.Split(req.Header.Get("Content-Type"), ";")[0]))
	if mt != "multipart/form-data" {
		return unsupportedMedia(req.Header.Get("Content-Type"), "multipart/form-data")
	}
	if err := req.ParseMultipartForm(s.cfg.BodyLimit); err != nil {
		return bodyErr(err)
	}
	defer req.MultipartForm.RemoveAll()
	files := req.MultipartForm.File
	has := func(name string) bool { return len(files[name]) > 0 }
	var in mapio.Input
	switch {
	case has("map") && !has("nodes") && !has("edges") && !has("workbook"):
		data, name, err := readPart(files["map"][0])
		if err != nil {
			return err
		}
		in = mapio.Input{Format: mapio.YAML, Map: bytes.NewReader(data), MapName: name}
		if mapio.FormatOf(name) == mapio.JSON {
			in.Format = mapio.JSON
		}
	case has("nodes") && has("edges") && !has("map") && !has("workbook"):
		nodes, nodesName, err := readPart(files["nodes"][0])
		if err != nil {
			return err
		}
		edges, edgesName, err := readPart(files["edges"][0])
		if err != nil {
			return err
		}
		th := c.QueryParam("thousands")
		in = mapio.Input{Format: mapio.CSV, Nodes: bytes.NewReader(nodes), Edges: bytes.NewReader(edges), NodesName: nodesName, EdgesName: edgesName,
			Options: sheet.Options{ID: old.ID, Title: old.Title, Currency: old.Currency, Thousands: th, DecimalComma: th == "."}}
	case has("workbook") && !has("map") && !has("nodes") && !has("edges"):
		data, name, err := readPart(files["workbook"][0])
		if err != nil {
			return err
		}
		th := c.QueryParam("thousands")
		in = mapio.Input{Format: mapio.XLSX, Map: bytes.NewReader(data), MapName: name, Options: sheet.Options{ID: old.ID, Thousands: th, DecimalComma: th == "."}}
	default:
		return badRequest("send one of: a part \"map\" (YAML or JSON map file), parts \"nodes\" and \"edges\" (CSV), or a part \"workbook\" (XLSX)",
			problemField{Field: "multipart", Message: fmt.Sprintf("got parts %v", partNames(files))})
	}
	next, err := mapio.Decode(in)
	if err != nil {
		return sheetErr(err)
	}
	return s.replace(c, old, next, expected)
}

func readPart(fh *multipart.FileHeader) ([]byte, string, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, "", bodyErr(err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, "", bodyErr(err)
	}
	name := path.Base(strings.ReplaceAll(fh.Filename, "\\", "/"))
	if name == "." || name == "/" || name == "" {
		name = "upload"
	}
	return data, name, nil
}

func sheetErr(err error) error {
	var ve *graph.ValidationError
	if asValidation(err, &ve) {
		return validationProblem(ve)
	}
	return badRequest("the upload cannot be read: " + err.Error())
}

func partNames(files map[string][]*multipart.FileHeader) []string {
	var names []string
	for k := range files {
		names = append(names, k)
	}
	return names
}
