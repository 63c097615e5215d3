package api

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/labstack/echo/v4"

	"github.com/chanmap/chanmap/graph/mapio"
)

// OpenAPIYAML is the API's contract, written by hand: every route, parameter,
// header and schema. The server enforces it on requests; the tests check
// every answer against it.
//
//go:embed openapi.yaml
var OpenAPIYAML []byte

func init() {
	// YAML bodies are read for the schema check by chanmap's own bounded
	// reader, not kin-openapi's: that one expands aliases without a bound,
	// so a 1.2 MB document of aliases took about 200 MB before the map
	// reader refused it. Map files are also sent as text/yaml.
	for _, ct := range []string{"application/yaml", "application/x-yaml", "text/yaml"} {
		openapi3filter.RegisterBodyDecoder(ct, yamlBody)
	}
}

// yamlBody decodes a YAML request body for the schema check with the map
// reader's limits (mapio.DecodeValue).
func yamlBody(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err // a *http.MaxBytesError is answered with 413
	}
	v, err := mapio.DecodeValue(data, "body")
	if err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: err}
	}
	return v, nil
}

// spec is the loaded contract: the document, its JSON form and a router
// that finds the operation of a request.
type spec struct {
	doc    *openapi3.T
	json   []byte
	router routers.Router
}

func loadSpec() (*spec, error) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("api: load openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("api: openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	js, err := doc.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("api: openapi.yaml to JSON: %w", err)
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("api: route openapi.yaml: %w", err)
	}
	return &spec{doc: doc, json: js, router: r}, nil
}

// OpenAPI returns the contract as a loaded document (for tests and tools).
func OpenAPI() (*openapi3.T, routers.Router, error) {
	sp, err := loadSpec()
	if err != nil {
		return nil, nil, err
	}
	return sp.doc, sp.router, nil
}

// validate checks a request against the operation the document defines for
// it: path and query parameters, headers, Content-Type and body schema. A
// request that matches no operation goes on (the router answers 404/405).
func (s *Server) validate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Method == http.MethodHead {
			// HEAD is validated as the GET it stands for.
			req = req.Clone(req.Context())
			req.Method = http.MethodGet
		}
		route, params, err := s.spec.router.FindRoute(req)
		if err != nil {
			return next(c)
		}
		in := &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route:      route,
			Options: &openapi3filter.Options{
				AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc, // tokens are checked before
				MultiError:          true,
				SkipSettingDefaults: true,
			},
		}
		if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
			return requestProblem(err)
		}
		return next(c)
	}
}

// requestProblem turns kin-openapi's validation errors into one problem:
// 413 when the body was over the limit, 415 for a Content-Type the operation
// does not read, else 400 with one entry per bad parameter or body field.
func requestProblem(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return tooLarge(mb.Limit)
	}
	var fields []problemField
	unsupported := ""
	var walk func(err error, body bool)
	walk = func(err error, body bool) {
		var me openapi3.MultiError
		var re *openapi3filter.RequestError
		var se *openapi3.SchemaError
		var pe *openapi3filter.ParseError
		switch {
		case errors.As(err, &me):
			for _, e := range me {
				walk(e, body)
			}
		case errors.As(err, &re):
			if strings.HasPrefix(re.Reason, "header Content-Type has unexpected value") {
				unsupported = re.Input.Request.Header.Get("Content-Type")
				return
			}
			if re.Parameter != nil {
				msg := re.Reason
				if re.Err != nil {
					msg = innerMessage(re.Err)
				}
				fields = append(fields, problemField{
					Field:   re.Parameter.Name,
					Message: fmt.Sprintf("%s parameter %s: %s", re.Parameter.In, re.Parameter.Name, msg),
				})
				return
			}
			if re.Err == nil {
				fields = append(fields, problemField{Pointer: "", Message: "body: " + re.Reason})
				return
			}
			if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) {
				fields = append(fields, problemField{Message: "a request body is required"})
				return
			}
			if errors.As(re.Err, &pe) && pe.Kind == openapi3filter.KindUnsupportedFormat {
				unsupported = re.Input.Request.Header.Get("Content-Type")
				return
			}
			walk(re.Err, true)
		case errors.As(err, &se):
			ptr := se.JSONPointer()
			fields = append(fields, problemField{
				Pointer: pointer(ptr),
				Field:   last(ptr),
				Value:   short(se.Value),
				Message: se.Reason,
			})
		case errors.As(err, &pe):
			fields = append(fields, problemField{Message: "the body cannot be read: " + pe.Error()})
		default:
			fields = append(fields, problemField{Message: err.Error()})
		}
	}
	walk(err, false)
	if unsupported != "" || (len(fields) == 0 && strings.Contains(err.Error(), "Content-Type")) {
		return newProblem(http.StatusUnsupportedMediaType, "unsupported-media-type",
			fmt.Sprintf("Content-Type %q is not accepted here; see /api/openapi.json for what this route reads", unsupported))
	}
	p := badRequest("the request does not match the API document (/api/openapi.json)", fields...)
	if len(fields) == 1 {
		p.Detail = fields[0].Message
		if fields[0].Pointer != "" {
			p.Detail = fields[0].Pointer + ": " + fields[0].Message
		}
	}
	return p
}

func innerMessage(err error) string {
	var me openapi3.MultiError
	if errors.As(err, &me) && len(me) > 0 {
		parts := make([]string, len(me))
		for i, e := range me {
			parts[i] = innerMessage(e)
		}
		return strings.Join(parts, "; ")
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return se.Reason
	}
	return err.Error()
}

// pointer joins JSON pointer segments, escaping ~ and /.
func pointer(segs []string) string {
	if len(segs) == 0 {
		return ""
	}
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

func last(segs []string) string {
	if len(segs) == 0 {
		return ""
	}
	return segs[len(segs)-1]
}

// short renders a value for an error message, at most 120 characters.
func short(v any) string {
	if v == nil {
		return ""
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case map[string]any:
		s = "(object)"
	case []any:
		s = fmt.Sprintf("(array of %d)", len(x))
	default:
		s = fmt.Sprint(x)
	}
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
