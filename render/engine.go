package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/chanmap/chanmap/render/gvcache"
	"github.com/goccy/go-graphviz"
)

// go-graphviz has compiled its engine by now (its initialiser ran before
// this package's), with its compile cache in gvcache's private directory.
func init() { gvcache.Restore() }

// graphvizMu serialises every call into go-graphviz. v0.2.10 shares one wasm
// instance per process: two goroutines laying out at once corrupt each other,
// even through separate graphviz.New() instances. gv is the process's one
// Graphviz context, made on first use and remade after a failure.
var (
	graphvizMu sync.Mutex
	gv         *graphviz.Graphviz
)

// InProcess lays out DOT with go-graphviz inside this process, one layout at
// a time. It cannot be cancelled once a layout has started (go-graphviz
// ignores ctx) and go-graphviz keeps some memory per layout, so long-running
// processes use a Pool instead.
type InProcess struct{}

// NewInProcess returns the in-process engine, for the CLI and for workers.
func NewInProcess() Engine { return InProcess{} }

// ErrLayout marks DOT that Graphviz could not lay out.
var ErrLayout = errors.New("graphviz could not lay out the diagram")

// Layout implements Engine: DOT in, Graphviz "plain" layout text out. ctx
// is checked before the layout starts only.
func (InProcess) Layout(ctx context.Context, dot []byte) (plain []byte, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	graphvizMu.Lock()
	defer graphvizMu.Unlock()
	defer func() {
		// go-graphviz reports some wasm failures by panicking; a layout
		// failure must be an error, never a crash of the caller.
		if r := recover(); r != nil {
			plain, err = nil, fmt.Errorf("%w: %v", ErrLayout, r)
			gv = nil // its state is unknown now; start afresh next time
		}
	}()
	if gv == nil {
		g, err := graphviz.New(context.Background())
		if err != nil {
			return nil, fmt.Errorf("render: starting graphviz: %w", err)
		}
		gv = g
	}
	graph, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("%w: parsing DOT: %v", ErrLayout, err)
	}
	defer graph.Close()
	var buf bytes.Buffer
	if err := gv.Render(context.Background(), graph, graphviz.Format("plain"), &buf); err != nil {
		gv.Close()
		gv = nil
		return nil, fmt.Errorf("%w: %v", ErrLayout, err)
	}
	if buf.Len() == 0 {
		return nil, fmt.Errorf("%w: empty output", ErrLayout)
	}
	return buf.Bytes(), nil
}
