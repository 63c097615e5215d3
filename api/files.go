package api

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/graph/mapio/sheet"
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

// export answers the map as a file: the map file (YAML or JSON), the two
// tables as a zip of nodes.csv and edges.csv, or one workbook.
func (s *Server) export(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		m, err := s.loadMap(c)
		if err != nil {
			return err
		}
		tag := etag(m.Version)
		h := c.Response().Header()
		h.Set("ETag", tag)
		if notModified(c, tag) {
			return c.NoContent(http.StatusNotModified)
		}
		var buf bytes.Buffer
		name := m.ID + "." + format
		switch format {
		case "yaml":
			err = mapio.WriteYAML(&buf, m)
		case "json":
			err = mapio.WriteJSON(&buf, present(m))
		case "xlsx":
			err = sheet.WriteXLSX(&buf, m)
		case "csv":
			name = m.ID + "-csv.zip"
			err = writeCSVZip(&buf, m)
		}
		if err != nil {
			return fmt.Errorf("export %s as %s: %w", m.ID, format, err)
		}
		h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
		return c.Blob(http.StatusOK, exportTypes[format], buf.Bytes())
	}
}

// writeCSVZip writes nodes.csv and edges.csv into one zip archive.
func writeCSVZip(w io.Writer, m *graph.Map) error {
	var nodes, edges bytes.Buffer
	if err := sheet.WriteCSV(&nodes, &edges, m); err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, f := range []struct {
		name string
		data []byte
	}{{"nodes.csv", nodes.Bytes()}, {"edges.csv", edges.Bytes()}} {
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
	var next *graph.Map
	switch {
	case has("map") && !has("nodes") && !has("edges") && !has("workbook"):
		data, name, err := readPart(files["map"][0])
		if err != nil {
			return err
		}
		ext := strings.ToLower(path.Ext(name))
		if ext != ".json" && ext != ".yaml" && ext != ".yml" {
			name += ".yaml"
		}
		if next, err = parseMap(data, name); err != nil {
			return err
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
		next, err = sheet.ReadCSV(bytes.NewReader(nodes), bytes.NewReader(edges), nodesName, edgesName,
			sheet.Options{ID: old.ID, Title: old.Title, Currency: old.Currency})
		if err != nil {
			return sheetErr(err)
		}
	case has("workbook") && !has("map") && !has("nodes") && !has("edges"):
		data, name, err := readPart(files["workbook"][0])
		if err != nil {
			return err
		}
		next, err = sheet.ReadXLSX(bytes.NewReader(data), name, sheet.Options{ID: old.ID})
		if err != nil {
			return sheetErr(err)
		}
	default:
		return badRequest("send one of: a part \"map\" (YAML or JSON map file), parts \"nodes\" and \"edges\" (CSV), or a part \"workbook\" (XLSX)",
			problemField{Field: "multipart", Message: fmt.Sprintf("got parts %v", partNames(files))})
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
	return badRequest("the tables cannot be read: " + err.Error())
}

func partNames(files map[string][]*multipart.FileHeader) []string {
	var names []string
	for k := range files {
		names = append(names, k)
	}
	return names
}
