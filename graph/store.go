package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Store keeps channel maps. Every implementation passes the contract suite in
// graph/storetest.
//
// Reads return whole snapshots; every write is a ChangeSet applied atomically
// against the version the writer last read (optimistic concurrency).
type Store interface {
	// ListMaps lists the stored maps, sorted by id.
	ListMaps(ctx context.Context) ([]MapInfo, error)
	// CreateMap stores a new, valid map at version 1. ErrExists when the id is taken.
	CreateMap(ctx context.Context, m *Map) (version int64, err error)
	// GetMap reads a whole map snapshot with its Version set. ErrNotFound when absent.
	GetMap(ctx context.Context, id string) (*Map, error)
	// Apply applies cs to map id if its version is still expected, and returns
	// the new version. The resulting map is validated before anything is
	// written; a stale version gives ErrConflict, an invalid result a
	// *ValidationError, and either changes nothing.
	Apply(ctx context.Context, id string, expected int64, cs ChangeSet) (version int64, err error)
	// DeleteMap deletes map id if its version is still expected (0: any
	// version), in one transaction: a stale version gives ErrConflict and
	// changes nothing. The map is kept with its history for
	// DeletedRetention (see History.Undelete). ErrNotFound when absent.
	DeleteMap(ctx context.Context, id string, expected int64) error
	// Support answers "who supports this segment and how does it get the
	// products" without loading the whole map where the store can push the
	// query down. The answer equals graph.SupportOf on the snapshot.
	Support(ctx context.Context, mapID, segmentID string) (*Support, error)
	// History keeps every version (see History).
	History
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
	// Close releases the store.
	Close() error
}

// MapInfo is one line of the map list.
type MapInfo struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Currency string    `json:"currency,omitempty"`
	Version  int64     `json:"version"`
	Nodes    int       `json:"nodes"`
	Edges    int       `json:"edges"`
	Updated  time.Time `json:"updated"`
}

// Store errors. Implementations wrap them with context; test with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	ErrConflict = errors.New("version conflict: the map changed since it was read")
	// ErrNotCustomer is a question about a segment (SupportOf) asked of a
	// node that is neither a segment nor a customer: the asker's mistake.
	ErrNotCustomer = errors.New("not a segment or customer")
	// ErrUnavailable means the store cannot be reached now; retrying later may work.
	ErrUnavailable = errors.New("store unavailable")
)

// Problem is one thing wrong with a map, located as precisely as the source
// allows: File/Line/Col when it came from a file, Pointer (a JSON pointer into
// the map document, like /nodes/3/margin) always.
type Problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Pointer string `json:"pointer"`
	Field   string `json:"field,omitempty"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`
}

// String renders the problem as "file:line:col: field: message (value)".
func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		b.WriteString(":")
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, "%d:", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, "%d:", p.Col)
		}
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if p.Line == 0 && p.Pointer != "" {
		b.WriteString(p.Pointer)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	if p.Value != "" {
		fmt.Fprintf(&b, " (value %q)", p.Value)
	}
	return b.String()
}

// ValidationError carries every problem found, all at once.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%d problem(s):\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// ChangeOp names what a Change does.
type ChangeOp string

// The change operations.
const (
	OpSetMap     ChangeOp = "set_map"     // Map fields: title, currency, classification
	OpAddNode    ChangeOp = "add_node"    // Node
	OpUpdateNode ChangeOp = "update_node" // ID, Node (the whole new node; its id may differ only if nothing points at it)
	OpDeleteNode ChangeOp = "delete_node" // ID
	OpAddEdge    ChangeOp = "add_edge"    // Edge
	OpUpdateEdge ChangeOp = "update_edge" // ID (edge key), Edge (the whole new edge)
	OpDeleteEdge ChangeOp = "delete_edge" // ID (edge key)
)

// Change is one step of a ChangeSet.
type Change struct {
	Op   ChangeOp `json:"op"`
	ID   string   `json:"id,omitempty"`
	Node *Node    `json:"node,omitempty"`
	Edge *Edge    `json:"edge,omitempty"`
	Map  *Map     `json:"map,omitempty"` // set_map: Title, Currency, Classification are taken
}

// ChangeSet is an ordered batch of changes applied all or nothing.
type ChangeSet struct {
	Changes []Change `json:"changes"`
}
