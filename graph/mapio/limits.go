package mapio

import (
	"fmt"

	"github.com/chanmap/chanmap/graph"
)

// countText adds n bytes of scalar text to what a YAML document expands to
// and refuses the document past graph.MaxExpandedBytes.
func (b *yamlBuilder) countText(n, line, col int) error {
	b.textBytes += n
	if b.textBytes > graph.MaxExpandedBytes {
		return &posError{line, col, fmt.Sprintf("the document's text, with its aliases expanded, is more than %d MiB (graph.MaxExpandedBytes); write the values out or make the map smaller", graph.MaxExpandedBytes>>20)}
	}
	return nil
}
