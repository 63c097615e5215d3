package graph

import (
	"context"
	"errors"
	"time"
)

// History is the part of the Store contract that keeps every version of a
// map: each applied change set is recorded with its version, time, author
// and message; any past version can be read; a map can be restored to a
// past version (as a new version: nothing is rewritten); a deleted map is
// kept for DeletedRetention and can be undeleted until it is purged.
//
// Stores keep history as change sets with periodic snapshots (see
// SnapshotDue), so a small edit on a big map stays small.
type History interface {
	// Versions lists the versions of map id, newest first: at most limit
	// of them (0: DefaultVersionPage), starting below version before
	// (0: from the newest). ErrNotFound when the map is absent.
	Versions(ctx context.Context, id string, before int64, limit int) ([]VersionInfo, error)
	// GetVersion reads map id as it was at version v. ErrNotFound when the
	// map or the version is absent.
	GetVersion(ctx context.Context, id string, v int64) (*Map, error)
	// Restore makes version v of map id its new version (expected must be
	// the current one), recorded as an ordinary change set whose message
	// names v; it returns the new version.
	Restore(ctx context.Context, id string, expected, v int64) (int64, error)
	// Deleted lists the deleted maps still kept, sorted by id.
	Deleted(ctx context.Context) ([]DeletedMap, error)
	// Undelete brings a deleted map back with its history, as a new
	// version. ErrNotFound when no deleted map has that id, ErrExists when
	// a live map has taken the id since.
	Undelete(ctx context.Context, id string) (int64, error)
	// Purge removes a deleted map and its history for good. ErrNotFound
	// when no deleted map has that id.
	Purge(ctx context.Context, id string) error
}

// VersionInfo is one line of a map's history.
type VersionInfo struct {
	Version int64     `json:"version"`
	Time    time.Time `json:"time"`
	Author  string    `json:"author,omitempty"`
	Message string    `json:"message,omitempty"`
	// Changes is the number of changes the version's change set holds (0
	// for version 1, which is the map as created).
	Changes int `json:"changes"`
	Nodes   int `json:"nodes"`
	Edges   int `json:"edges"`
}

// DeletedMap is a deleted map that can still be undeleted.
type DeletedMap struct {
	ID      string    `json:"id"`
	Title   string    `json:"title,omitempty"`
	Version int64     `json:"version"` // the version it was deleted at
	Deleted time.Time `json:"deleted"`
	Author  string    `json:"author,omitempty"` // who deleted it
	Expires time.Time `json:"expires"`          // when it may be purged without asking
}

// DeletedRetention is how long a deleted map is kept before a store may
// purge it on its own (an admin can purge it sooner).
const DeletedRetention = 30 * 24 * time.Hour

// DefaultVersionPage is how many versions Versions lists when no limit is given.
const DefaultVersionPage = 50

// MaxVersionPage is the most versions one Versions call lists.
const MaxVersionPage = 1000

// ErrNoHistory is returned by history operations of a store that keeps none.
var ErrNoHistory = errors.New("this store keeps no history")

// WriteInfo says who makes a write and why; stores record it with the
// version the write creates.
type WriteInfo struct {
	Author  string `json:"author,omitempty"`
	Message string `json:"message,omitempty"`
}

type writeInfoKey struct{}

// WithWriteInfo returns a context that carries who makes the writes done
// with it and why. Stores read it with WriteInfoFrom.
func WithWriteInfo(ctx context.Context, w WriteInfo) context.Context {
	return context.WithValue(ctx, writeInfoKey{}, w)
}

// WriteInfoFrom returns the WriteInfo ctx carries, or the zero value.
func WriteInfoFrom(ctx context.Context) WriteInfo {
	w, _ := ctx.Value(writeInfoKey{}).(WriteInfo)
	return w
}

// Limits of WriteInfo, enforced by CheckWriteInfo.
const (
	MaxAuthorLen  = 200
	MaxMessageLen = 2000
)

// CheckWriteInfo refuses an author or message over its length limit.
func CheckWriteInfo(w WriteInfo) error {
	var ps []Problem
	if len(w.Author) > MaxAuthorLen {
		ps = append(ps, Problem{Pointer: "/author", Field: "author", Message: "the author is longer than 200 bytes"})
	}
	if len(w.Message) > MaxMessageLen {
		ps = append(ps, Problem{Pointer: "/message", Field: "message", Message: "the message is longer than 2000 bytes"})
	}
	if ps != nil {
		return &ValidationError{Problems: ps}
	}
	return nil
}

// SnapshotDue says whether a store should write a whole snapshot with the
// version it is about to record: when the change sets recorded since the
// last snapshot (logBytes, including the one being written) weigh at least
// as much as that snapshot (snapBytes). Reading a past version then costs
// at most about two snapshots' worth of decoding, and a run of small edits
// on a big map writes only the edits.
func SnapshotDue(logBytes, snapBytes int64) bool {
	return logBytes >= max(snapBytes, 64<<10)
}
