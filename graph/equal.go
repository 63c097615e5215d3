package graph

// EqualNode reports whether a and b are the same node field for field
// (nil and empty lists and maps alike), as Equal compares nodes.
func EqualNode(a, b *Node) bool { return std.equalNode(a, b) }

// EqualEdge reports whether a and b are the same edge field for field, as
// Equal compares edges.
func EqualEdge(a, b *Edge) bool { return std.equalEdge(a, b) }
