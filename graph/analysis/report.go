package analysis

import (
	"encoding/json"
	"fmt"
)

// Report is the analysis of one map: the JSON contract of `chanmap analyze
// --json` and of GET /api/v1/maps/{map}/analysis (the README's "The JSON report").
// Numbers are plain, absent values are null, lists are sorted by id.
type Report struct {
	Map       string    `json:"map"`
	Currency  *string   `json:"currency"`
	Segments  []Segment `json:"segments"`
	Partners  []Partner `json:"partners"`
	WeakSpots WeakSpots `json:"weak_spots"`
	// Markets rolls the segments (kind segment) up by market type.
	Markets  []Market `json:"markets"`
	Warnings []string `json:"warnings"`
	// Insights are the findings ranked by the money at stake (insights.go).
	Insights []Insight `json:"insights"`
	// WhatIf is set on the report of a map analysed without some partners
	// (GET /maps/{map}/analysis?without=ID): what changed against the map.
	WhatIf *WhatIf `json:"what_if,omitempty"`
}

// Segment holds the figures of one segment or customer.
type Segment struct {
	ID          string   `json:"id"`
	Kind        string   `json:"kind"`
	Revenue     *float64 `json:"revenue"`
	NetRevenue  *float64 `json:"net_revenue"`
	CostToServe *float64 `json:"cost_to_serve"`
	// GrossMargin is the gross margin the profit counts (the node's, else
	// the map's), null when none is given and profit counts no cost of goods.
	GrossMargin *float64 `json:"gross_margin"`
	Profit      *float64 `json:"profit"`
	Margin      *float64 `json:"margin"`
	Tier        Tier     `json:"tier"`
	TierSource  string   `json:"tier_source"`
	Value       *float64 `json:"value"`
	Level       *string  `json:"level"`
	// Scorecard is nil (and its fields left out of the JSON) when the map
	// configures no scorecard.
	*Scorecard
	Quality *float64 `json:"quality"`
	Flags   []string `json:"flags"`
}

// Scorecard is a segment's actual-versus-potential position. Its fields are
// null for segments outside the classification (no revenue or cost_to_serve).
type Scorecard struct {
	Actual    *float64 `json:"actual"`
	Potential *float64 `json:"potential"`
	Quadrant  *string  `json:"quadrant"`
}

// Partner is an organisation other than the company, with the company net
// revenue that flows through it and the segment profit credited to it.
type Partner struct {
	ID         string  `json:"id"`
	NetRevenue float64 `json:"net_revenue"`
	Profit     float64 `json:"profit"`
}

// WeakSpots are the places where the map is weak.
type WeakSpots struct {
	Unreachable           []string               `json:"unreachable"`
	Unsupported           []string               `json:"unsupported"`
	PreferenceUnmet       []PreferenceUnmet      `json:"preference_unmet"`
	SinglePointsOfFailure []SinglePointOfFailure `json:"single_points_of_failure"`
	Concentration         Concentration          `json:"concentration"`
	ChannelConflicts      []ChannelConflict      `json:"channel_conflicts"`
	ServiceOpportunities  []ServiceOpportunity   `json:"service_opportunities"`
	// NoTouchpoint are the segments with no uses edge to any touchpoint
	// (nobody knows how they talk to the company).
	NoTouchpoint []string `json:"no_touchpoint"`
	// UnaccountedFlow are the segments part of whose spend comes from
	// nowhere: some node on their supply paths has inbound shares that add
	// up to less than 1.
	UnaccountedFlow []UnaccountedFlow `json:"unaccounted_flow"`
}

// UnaccountedFlow is the part of a segment's spend that no supply path
// carries because shares on the way add up to less than 1.
type UnaccountedFlow struct {
	Segment string `json:"segment"`
	// Fraction of the segment's spend that comes from nowhere.
	Fraction float64 `json:"fraction"`
	// Spend is Fraction · revenue, null without revenue.
	Spend *float64 `json:"spend"`
	// Nodes are the segment and the nodes upstream whose inbound shares add
	// up to less than 1.
	Nodes []string `json:"nodes"`
}

// PreferenceUnmet is a segment whose preferred acquisition methods no inbound
// supplies edge delivers by.
type PreferenceUnmet struct {
	Segment string   `json:"segment"`
	Prefers []string `json:"prefers"`
	Offered []string `json:"offered"`
}

// SinglePointOfFailure is a partner on every supply path to a segment.
type SinglePointOfFailure struct {
	Segment     string   `json:"segment"`
	Partner     string   `json:"partner"`
	SpendAtRisk *float64 `json:"spend_at_risk"`
}

// Concentration measures how much of the total net revenue over segments
// comes from the largest ones. The figures are null when no net revenue
// arrives at all.
type Concentration struct {
	Top1    *float64 `json:"top1"`
	Top3    *float64 `json:"top3"`
	HHI     *float64 `json:"hhi"`
	Flagged bool     `json:"flagged"`
}

// ChannelConflict is two sellers whose supplies edges into the same segment
// carry overlapping products.
type ChannelConflict struct {
	Segment  string   `json:"segment"`
	Partners []string `json:"partners"`
	Products []string `json:"products"`
}

// ServiceOpportunity is a product with a replacement cycle that a segment
// buys and that no supports edge into the segment covers.
type ServiceOpportunity struct {
	Segment string `json:"segment"`
	Product string `json:"product"`
}

// Tier is a customer tier: 1 (ideal, highly profitable) to 4 (money
// losers), or Unclassified. It is a number in JSON, or "unclassified".
type Tier int

// Unclassified is the tier of a segment without revenue or cost_to_serve.
const Unclassified Tier = 0

// Tier sources.
const (
	TierComputed = "computed"
	TierManual   = "manual"
)

// String is "1" to "4" or "unclassified".
func (t Tier) String() string {
	if t == Unclassified {
		return "unclassified"
	}
	return fmt.Sprint(int(t))
}

// MarshalJSON writes 1-4 as a number and Unclassified as "unclassified".
func (t Tier) MarshalJSON() ([]byte, error) {
	if t == Unclassified {
		return []byte(`"unclassified"`), nil
	}
	if t < 1 || t > 4 {
		return nil, fmt.Errorf("tier %d is not 1-4", int(t))
	}
	return []byte(fmt.Sprint(int(t))), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (t *Tier) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		if s != "unclassified" {
			return fmt.Errorf("tier %q: want 1-4 or \"unclassified\"", s)
		}
		*t = Unclassified
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil || n < 1 || n > 4 {
		return fmt.Errorf("tier %s: want 1-4 or \"unclassified\"", b)
	}
	*t = Tier(n)
	return nil
}

// Segment returns the figures of the segment or customer with the given id,
// or nil.
func (r *Report) Segment(id string) *Segment {
	for i := range r.Segments {
		if r.Segments[i].ID == id {
			return &r.Segments[i]
		}
	}
	return nil
}

// Partner returns the partner with the given id, or nil.
func (r *Report) Partner(id string) *Partner {
	for i := range r.Partners {
		if r.Partners[i].ID == id {
			return &r.Partners[i]
		}
	}
	return nil
}
