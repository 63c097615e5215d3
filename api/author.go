package api

import (
	"github.com/chanmap/chanmap/graph"
	"github.com/labstack/echo/v4"
)

// ctxAuthor is the echo context key the token check sets to the token's name.
const ctxAuthor = "chanmap.author"

// HeaderMessage carries an optional message for the version a write creates.
const HeaderMessage = "Chanmap-Message"

// anonymousAuthor is the author of writes made when tokens are off.
const anonymousAuthor = "api"

// writeInfo says who makes the request's writes and why: the token's name
// (or "api" when tokens are off) and the Chanmap-Message header.
func writeInfo(c echo.Context) graph.WriteInfo {
	author, _ := c.Get(ctxAuthor).(string)
	if author == "" {
		author = anonymousAuthor
	}
	return graph.WriteInfo{Author: author, Message: c.Request().Header.Get(HeaderMessage)}
}
