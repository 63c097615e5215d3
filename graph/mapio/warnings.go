package mapio

import "github.com/chanmap/chanmap/graph"

// FileWarnings is graph.Warnings of m, read from data, with the line of each
// warning in data.
func FileWarnings(data []byte, name string, m *graph.Map) []graph.Warning {
	ws := graph.Warnings(m)
	if len(ws) == 0 {
		return ws
	}
	_, tree, _, err := std.decode(data, name)
	if err != nil || tree == nil {
		return ws
	}
	for i := range ws {
		ws[i].Line, _ = tree.locate(ws[i].Pointer)
	}
	return ws
}
