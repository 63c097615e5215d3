package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Role is what a token may do. Higher roles include the lower ones.
type Role int

// The roles.
const (
	RoleNone   Role = iota
	RoleViewer      // reads
	RoleEditor      // reads and edits of existing maps
	RoleAdmin       // also creates and deletes maps
)

func (r Role) String() string {
	switch r {
	case RoleViewer:
		return "viewer"
	case RoleEditor:
		return "editor"
	case RoleAdmin:
		return "admin"
	}
	return "none"
}

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "viewer":
		return RoleViewer, nil
	case "editor":
		return RoleEditor, nil
	case "admin":
		return RoleAdmin, nil
	}
	return RoleNone, fmt.Errorf("unknown role %q (want viewer, editor or admin)", s)
}

// Tokens are the accepted bearer tokens. Empty means authentication is off.
type Tokens struct {
	entries []tokenEntry
}

type tokenEntry struct {
	sum  [32]byte // sha256 of the token: equal length for constant-time comparison
	role Role
	name string // recorded as the author of its writes
}

// ParseTokens reads CHANMAP_TOKENS: "token=role,token=role:name,...".
// The name (letters, digits, '.', '_', '-', '@', at most 64) is recorded as
// the author of the token's writes; a token without one is named by its
// role and a short fingerprint of the token (editor-3fa1c2). Spaces around
// items are ignored; an empty string gives no tokens.
func ParseTokens(s string) (Tokens, error) {
	var t Tokens
	seen := map[string]bool{}
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		tok, roleName, ok := strings.Cut(item, "=")
		tok = strings.TrimSpace(tok)
		if !ok || tok == "" {
			return Tokens{}, fmt.Errorf("CHANMAP_TOKENS item %d: want token=role, got %q", i+1, redact(item))
		}
		roleName, name, named := strings.Cut(roleName, ":")
		role, err := ParseRole(roleName)
		if err != nil {
			return Tokens{}, fmt.Errorf("CHANMAP_TOKENS item %d: %w", i+1, err)
		}
		name = strings.TrimSpace(name)
		if named && !validTokenName(name) {
			return Tokens{}, fmt.Errorf("CHANMAP_TOKENS item %d: token name %q: use 1-64 letters, digits, '.', '_', '-' or '@'", i+1, name)
		}
		if len(tok) < 8 {
			return Tokens{}, fmt.Errorf("CHANMAP_TOKENS item %d: token is %d characters; use at least 8", i+1, len(tok))
		}
		if seen[tok] {
			return Tokens{}, fmt.Errorf("CHANMAP_TOKENS item %d: token given twice", i+1)
		}
		seen[tok] = true
		sum := sha256.Sum256([]byte(tok))
		if name == "" {
			name = fmt.Sprintf("%s-%x", role, sum[:3])
		}
		t.entries = append(t.entries, tokenEntry{sum: sum, role: role, name: name})
	}
	return t, nil
}

// Len is the number of tokens.
func (t Tokens) Len() int { return len(t.entries) }

// Role looks a token up in constant time: every configured token is compared
// (by SHA-256, so lengths match), whether or not an earlier one matched.
func (t Tokens) Role(token string) Role {
	role, _ := t.lookup(token)
	return role
}

// lookup returns the role and name of a token, comparing every configured
// token whether or not an earlier one matched.
func (t Tokens) lookup(token string) (Role, string) {
	sum := sha256.Sum256([]byte(token))
	found := 0
	role := RoleNone
	at := 0
	for i, e := range t.entries {
		eq := subtle.ConstantTimeCompare(sum[:], e.sum[:])
		role = Role(subtle.ConstantTimeSelect(eq, int(e.role), int(role)))
		at = subtle.ConstantTimeSelect(eq, i, at)
		found |= eq
	}
	if found == 0 {
		return RoleNone, ""
	}
	return role, t.entries[at].name
}

func validTokenName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)) {
			return false
		}
	}
	return true
}

func redact(item string) string {
	if tok, role, ok := strings.Cut(item, "="); ok {
		return strings.Repeat("*", min(len(tok), 4)) + "=" + role
	}
	return strings.Repeat("*", min(len(item), 4))
}

// auth requires a token of at least role min when tokens are configured.
func (s *Server) auth(min Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if s.cfg.Tokens.Len() == 0 {
				return next(c)
			}
			h := c.Request().Header.Get(echo.HeaderAuthorization)
			scheme, tok, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
				return newProblem(http.StatusUnauthorized, "unauthorized",
					"this server needs a token: send Authorization: Bearer TOKEN")
			}
			role, name := s.cfg.Tokens.lookup(strings.TrimSpace(tok))
			c.Set(ctxAuthor, name)
			if role == RoleNone {
				return newProblem(http.StatusUnauthorized, "unauthorized", "unknown token")
			}
			if role < min {
				return newProblem(http.StatusForbidden, "forbidden",
					fmt.Sprintf("this needs the %s role; the token has %s", min, role))
			}
			return next(c)
		}
	}
}
