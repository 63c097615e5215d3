// Package analysis computes the strategist's report of a channel map: net
// revenue after channel margins, profit, tier, value pyramid, scorecard and
// quality of every segment and customer, the profit carried by every partner,
// and the weak spots, following the formulas in the README ("The numbers").
//
// How it computes. Net revenue is propagated over the supplies graph in
// topological order instead of enumerating paths: every node gets coef, the
// fraction of what it sells that arrives at a company (1 for a company,
// Σ share·(1−m)·coef(from) over its inbound supplies edges otherwise), which
// equals Σ over supply paths of Π share · Π (1−m); a segment's net revenue is
// revenue·coef. Partner credit pushes segment spend back up the same edges
// once (reverse topological order), so a partner's net revenue is
// coef·(value it sells). Single points of failure are the dominators of each
// segment in the supplies graph below a virtual root joined to every company
// (Cooper–Harvey–Kennedy intersection; on the acyclic supplies graph one pass
// in topological order reaches the fixed point). Everything is linear in the
// size of the map.
//
// What it holds. A map is taken piece by piece (Builder; Analyze feeds one
// the map it is given), and of each piece only what the analysis reads is
// kept: a node's fields (node), a supplies edge's share, margin, delivery
// and products (arc), a supports edge's products, belongs_to and uses
// edges as indexes; the map's limits and warnings are checked per piece
// (graph.LimitCheck, graph.NodeWarnings, graph.EdgeWarnings). A map a
// store streams is so never held whole.
//
// Choices the formulas leave open:
//   - A supply path starts at the first company met going upstream: supplies
//     edges into a company are outside every sum, so a second company is not
//     counted twice. Any supplies cycle, even among suppliers, is an error.
//   - A margin on a supplies edge into a node that is not an intermediary is
//     ignored with a warning. Shares that do not add up to 1 leave the rest
//     of the node's sales coming from nowhere: graph.Warnings says so, and
//     weak_spots.unaccounted_flow gives, per segment, the fraction of its
//     spend lost that way (lost = missing + Σ share·lost(from), margins not
//     counted) and the nodes where the shares fall short.
//   - Profit is net revenue · g − cost_to_serve with g the node's
//     gross_margin, else classification.gross_margin; a customer does not
//     take its segment's. Without any, g = 1 and one warning says profit
//     counts no cost of goods.
//   - A customer without inbound supplies edges takes the mean coef of the
//     segments it belongs to (its segment's paths; one segment is the usual
//     case).
//   - Partner credit, concentration and the what-if totals count segments
//     (kind segment) only: customers are detail inside segments and would be
//     counted twice. Customers get their own figures, tier, pyramid and
//     quality.
//   - Partners are the intermediaries, and the other organisations except
//     companies that a company supplies and that sell on (a supplier only
//     selling to the company is upstream, no partner). A partner's
//     profit adds the credit from segments with a margin; segments without
//     cost_to_serve credit no profit.
//   - A tier needs revenue and cost_to_serve. With no net revenue the margin
//     is null: tier 4 when profit < 0 (costs, no revenue), else tier 3. Tier
//     4 also takes a margin below classification.tiers.tier3. A manual tier
//     overrides (tier_source "manual") but the node is in the pyramid only if
//     it has both figures.
//   - Classified nodes are those with revenue and cost_to_serve. The pyramid
//     and the scorecard rank segments among segments and customers among
//     customers; levels use competition ranking (equal values share the
//     better rank) against ceiling cut-offs. When a built-in indicator is the same for every classified
//     node (n = 1 included) it scores 100 for all. A built-in a node lacks
//     (customers, or margin without net revenue) counts 0 with a warning,
//     like a missing score. Without classification.indicators the weights
//     are the documented defaults {profit 0.5, growth 0.3, payment 0.2}.
//   - Scorecard groups without indicators are left out of the means; actual
//     needs financial or sales, potential customer or service (else an
//     error). Without a scorecard block the actual/potential/quadrant keys
//     are absent from the JSON; with one they are null for unclassified
//     nodes.
//   - Quality is the mean × 20 of the criteria given (a warning names the
//     missing ones); no criteria, null quality.
//   - Weak spots are looked for in segments and in customers with their own
//     supplies edges; a supports edge into a customer's segment supports the
//     customer (and its segment's uses edges count as its touchpoints). A
//     channel conflict counts the company's direct edges as a seller too and
//     compares only products named on edges; a segment whose inbound edges
//     lack product lists gets one warning when a check needed them (two
//     sellers, or products with replacement_months).
//   - Without keeps every supplies edge at the share it had: the customers
//     who bought through a lost partner are lost, not moved to the other
//     channels, so no segment gains. By default cost_to_serve scales with
//     the net revenue kept (cost · after / before, whole when before is 0):
//     the map is analysed once without the partners to learn after, and
//     again with the scaled costs. FixedCosts keeps costs whole.
//   - The roll-up by market counts segments only, in graph.Markets order
//     with "unknown" last; its margin is the profit over the net revenue of
//     the segments that have a profit.
package analysis
