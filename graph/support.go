package graph

// Support is the answer to "how does this segment get the products, and who
// supports it": the JSON of `chanmap support --json` and of
// GET /api/v1/maps/{map}/segments/{id}/support.
type Support struct {
	Map     string `json:"map"`
	Segment string `json:"segment"`
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	// Needs are the segment's reasons for purchase, as written in the map.
	Needs string `json:"needs"`
	// Paths are every supply path from a company node to the segment (for a
	// customer without own supplies edges, those of its segment), sorted by
	// their node ids joined.
	Paths []SupplyPath `json:"paths"`
	// KeyPlayers are the partners (not the company) on any path, sorted by id.
	KeyPlayers []string `json:"key_players"`
	// Supporters are the organisations with a supports edge into the segment, sorted by id.
	Supporters []Supporter `json:"supporters"`
	// Touchpoints the segment uses, with who operates each, sorted by id.
	Touchpoints []TouchpointUse `json:"touchpoints"`
	// Prefers is the segment's preferred acquisition methods; Offered the
	// delivery methods on its inbound supplies edges (sorted, distinct);
	// PreferenceMet is true when there is no preference or one is offered.
	Prefers       []string `json:"prefers"`
	Offered       []string `json:"offered"`
	PreferenceMet bool     `json:"preference_met"`
}

// SupplyPath is one route from the company to a segment.
type SupplyPath struct {
	Nodes []string `json:"nodes"` // company first, segment last
	Hops  []Hop    `json:"hops"`
}

// Hop is one supplies edge on a path.
type Hop struct {
	Edge     string   `json:"edge"`
	From     string   `json:"from"`
	To       string   `json:"to"`
	Delivery string   `json:"delivery,omitempty"`
	Margin   *float64 `json:"margin,omitempty"`
	Share    *float64 `json:"share,omitempty"`
	Products []string `json:"products,omitempty"`
}

// Supporter is one organisation that supports a segment.
type Supporter struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Edge     string   `json:"edge"`
	Services []string `json:"services"`
	Products []string `json:"products"`
	Why      string   `json:"why,omitempty"`
}

// TouchpointUse is one touchpoint a segment uses.
type TouchpointUse struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Channel   string   `json:"channel,omitempty"`
	Purpose   string   `json:"purpose,omitempty"` // of the uses edge, else the touchpoint's
	Operators []string `json:"operators"`         // ids, sorted
}
