// The answers beside the diagram: who supports a segment and how it gets the
// products (the support answer), and the analysis report (tiers, profit
// centres, weak spots). Text goes in through h(), never as markup.

import { h, fmtNumber, fmtPercent, fmtCompact } from './dom.js';
import { label } from './model.js';

const nameOf = (map, id) => map.nodes.find((n) => n.id === id)?.name || id;

/** supportPanel renders a graph.Support answer. select(id) selects a node. */
export function supportPanel(s, map, select) {
  const nodeLink = (id) => h('button', { type: 'button', class: 'link', onclick: () => select(id) }, nameOf(map, id));
  const section = (title, ...body) => h('section', { class: 'answer-part' }, h('h3', null, title), ...body);
  const list = (xs, f, empty) => (xs && xs.length ? h('ul', null, xs.map((x) => h('li', null, f(x)))) : h('p', { class: 'empty' }, empty));

  const paths = list(s.paths, (p) => h('span', { class: 'path' }, p.nodes.map((id, i) => {
    const hop = i > 0 ? p.hops[i - 1] : null;
    const via = hop ? h('span', { class: 'hop' }, ` → ${[hop.delivery ? label(hop.delivery) : null, hop.margin !== undefined && hop.margin !== null ? `margin ${fmtPercent(hop.margin)}` : null].filter(Boolean).join(', ') || ''}${hop.delivery || hop.margin ? ' → ' : ''}`) : null;
    return [via, nodeLink(id)];
  })), 'No supply path reaches it: nobody sells it the products.');

  const pref = s.prefers && s.prefers.length
    ? h('p', { class: s.preference_met ? 'ok' : 'warn-text' },
      s.preference_met ? 'Preferred acquisition is offered: ' : 'Preferred acquisition is NOT offered: ',
      `prefers ${s.prefers.map(label).join(', ')}; offered ${s.offered && s.offered.length ? s.offered.map(label).join(', ') : 'nothing'}.`)
    : h('p', null, `No preferred acquisition method given; offered: ${s.offered && s.offered.length ? s.offered.map(label).join(', ') : 'nothing'}.`);

  const supporters = list(s.supporters, (x) => [nodeLink(x.id), ` (${label(x.kind)})`,
    x.services && x.services.length ? ` — ${x.services.join(', ')}` : '',
    x.why ? h('span', { class: 'why' }, ` — why: ${x.why}`) : null], 'Nobody supports it.');

  const tps = list(s.touchpoints, (t) => [nodeLink(t.id), t.channel ? ` (${label(t.channel)})` : '',
    t.purpose ? ` for ${t.purpose}` : '',
    t.operators && t.operators.length ? [' — run by ', t.operators.map((o, i) => [i ? ', ' : '', nodeLink(o)])] : ' — nobody operates it'], 'It uses no touchpoints.');

  const needs = s.needs
    ? h('p', { class: 'needs' }, s.needs)
    : h('p', { class: 'empty' }, 'Not given: the needs field says why this segment buys.');

  return h('div', { class: 'answers', id: 'support-answer' },
    h('h2', null, `How ${s.name || s.segment} is served`),
    section('What it needs', needs),
    section('How it gets the products', paths, pref),
    section('Key players', list(s.key_players, nodeLink, 'None besides the company.')),
    section('Who supports it', supporters),
    section('Where it talks to whom', tps));
}

/**
 * analysisPanel renders the analysis report (see DESIGN "The report").
 * whatIf(ids, fixedCosts) reloads the report without those partners (an
 * empty list: the whole map again).
 */
export function analysisPanel(r, map, select, whatIf) {
  const cur = r.currency || map.currency;
  const money = (v) => fmtNumber(v, cur);
  const short = (v) => h('span', { title: money(v) }, fmtCompact(v, cur));
  const nodeLink = (id) => h('button', { type: 'button', class: 'link', onclick: () => select(id) }, nameOf(map, id));
  const tierBadge = (t, manual) => {
    const known = typeof t === 'number';
    return h('span', { class: `tier tier-${known ? t : 'unclassified'}`, title: manual ? 'set by hand in the map' : (known ? 'computed from the figures' : 'no revenue or cost to serve') },
      known ? `Tier ${t}` : 'none', manual ? '*' : '');
  };

  const segs = r.segments || [];
  const figTable = (rows, caption, cls) => h('table', { class: `figures ${cls}` },
    h('caption', null, caption),
    h('colgroup', null, h('col', { class: 'c-name' }), h('col', { class: 'c-tier' }), h('col', { class: 'c-tier' }), h('col', { class: 'c-num' }), h('col', { class: 'c-num' }), h('col', { class: 'c-num' })),
    h('thead', null, h('tr', null, ['Name', 'Tier', 'Level', 'Net rev.', 'Profit', 'Margin'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, [...rows].sort((a, b) => tierOrder(a.tier) - tierOrder(b.tier) || (b.profit ?? -Infinity) - (a.profit ?? -Infinity)).map((s, i) => h('tr', { class: i >= ROWS ? 'more' : null, hidden: i >= ROWS },
      h('th', { scope: 'row' }, nodeLink(s.id)),
      h('td', null, tierBadge(s.tier, s.tier_source === 'manual')),
      h('td', null, s.level || '–'),
      h('td', { class: 'num' }, short(s.net_revenue)),
      h('td', { class: 'num' }, short(s.profit)),
      h('td', { class: 'num' }, fmtPercent(s.margin))))));
  const segRows = segs.filter((s) => s.kind !== 'customer');
  const custRows = segs.filter((s) => s.kind === 'customer');
  const segTable = segRows.length ? figTable(segRows, `Segments by tier (pyramid level among ${segRows.filter((s) => s.level).length})`, 'segments')
    : h('p', { class: 'empty' }, 'No segments with figures.');
  const custTable = custRows.length ? figTable(custRows, `Customers by tier (pyramid level among ${custRows.filter((s) => s.level).length})`, 'customers') : null;
  const cogs = segs.some((s) => s.revenue !== null && s.cost_to_serve !== null && (s.gross_margin === null || s.gross_margin === undefined))
    ? h('p', { class: 'hint' }, 'Some profits count no cost of goods: set the map\'s gross margin (classification.gross_margin) or a segment\'s.') : null;

  const markets = (r.markets || []).length ? h('table', { class: 'figures markets' },
    h('caption', null, 'By market type'),
    h('thead', null, h('tr', null, ['Market', 'Segments', 'Net rev.', 'Profit', 'Margin'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, r.markets.map((k) => h('tr', null,
      h('th', { scope: 'row' }, label(k.market)),
      h('td', { class: 'num' }, String(k.count)),
      h('td', { class: 'num' }, short(k.net_revenue)),
      h('td', { class: 'num' }, k.profit === null ? '–' : short(k.profit)),
      h('td', { class: 'num' }, fmtPercent(k.margin)))))) : null;

  const moreRows = (table, n) => (n > ROWS ? h('button', {
    type: 'button', class: 'quiet',
    onclick: (ev) => { for (const tr of table.querySelectorAll('tr.more')) tr.hidden = false; ev.currentTarget.remove(); },
  }, `Show all ${n}`) : null);
  const partners = (r.partners || []).filter((p) => p.profit !== null && p.profit !== undefined);
  const partTable = partners.length ? h('table', { class: 'figures partners' },
    h('caption', null, 'Profit centres: company profit carried by each partner'),
    h('colgroup', null, h('col', { class: 'c-name' }), h('col', { class: 'c-num' }), h('col', { class: 'c-num' })),
    h('thead', null, h('tr', null, ['Partner', 'Net revenue', 'Profit'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, [...partners].sort((a, b) => b.profit - a.profit).map((p, i) => h('tr', { class: i >= ROWS ? 'more' : null, hidden: i >= ROWS },
      h('th', { scope: 'row' }, nodeLink(p.id)), h('td', { class: 'num' }, short(p.net_revenue)), h('td', { class: 'num' }, short(p.profit)))))) : null;

  const w = r.weak_spots || {};
  const items = [];
  const ids = (xs) => xs.map((id, i) => [i ? ', ' : '', nodeLink(id)]);
  if (w.unreachable?.length) items.push(['Unreachable (no supply path): ', ids(w.unreachable)]);
  if (w.unsupported?.length) items.push(['Unsupported (nobody supports it): ', ids(w.unsupported)]);
  for (const p of w.preference_unmet || []) items.push([nodeLink(p.segment), ` prefers ${(p.prefers || []).map(label).join(', ')} but is offered ${(p.offered || []).length ? p.offered.map(label).join(', ') : 'nothing'}`]);
  for (const p of w.single_points_of_failure || []) items.push([nodeLink(p.partner), ' is on every supply path to ', nodeLink(p.segment), ` (${money(p.spend_at_risk)} at risk)`]);
  const c = w.concentration;
  if (c && c.flagged) items.push([`Profit is concentrated: the largest segment brings ${fmtPercent(c.top1)} of net revenue, the largest three ${fmtPercent(c.top3)} (HHI ${fmtNumber(c.hhi, null, 3)}).`]);
  for (const x of w.channel_conflicts || []) items.push(['Channel conflict at ', nodeLink(x.segment), ': ', ids(x.partners || []), ` both sell ${(x.products || []).map((p) => nameOf(map, p)).join(', ')}`]);
  for (const x of w.service_opportunities || []) items.push(['Service opportunity: ', nodeLink(x.segment), ` buys ${nameOf(map, x.product)} and nobody services it`]);
  if (w.no_touchpoint?.length) items.push(['No interaction point (nobody knows how they talk to us): ', ids(w.no_touchpoint)]);
  for (const x of w.unaccounted_flow || []) items.push([`${fmtPercent(x.fraction)} of the spend of `, nodeLink(x.segment), ' comes from nowhere: inbound shares add up to less than 1 at ', ids(x.nodes || [])]);
  const weak = items.length ? h('ul', { class: 'weak' }, items.map((i) => h('li', null, i))) : h('p', { class: 'ok' }, 'No weak spots found.');

  const manual = segs.some((s) => s.tier_source === 'manual');
  return h('div', { class: 'analysis', id: 'analysis-report' },
    whatIfPart(r, map, nodeLink, money, whatIf),
    segTable, segTable.tagName === 'TABLE' ? moreRows(segTable, segRows.length) : null,
    custTable, custTable ? moreRows(custTable, custRows.length) : null,
    manual ? h('p', { class: 'hint' }, '* tier set by hand in the map') : null, cogs,
    markets,
    partTable, partTable ? moreRows(partTable, partners.length) : null,
    h('h3', null, 'Weak spots'), weak,
    r.warnings?.length ? h('details', null, h('summary', null, `${r.warnings.length} warning(s)`), h('ul', null, r.warnings.map((x) => h('li', null, x)))) : null);
}

const ROWS = 15; // rows shown before "Show all"

const PARTNER_KINDS = ['supplier', 'distributor', 'wholesaler', 'reseller', 'retailer', 'agent', 'marketplace', 'integrator', 'service_provider'];

/**
 * whatIfPart is the what-if form (take partners away, costs variable or
 * fixed) and, when the report is a what-if, what it changed.
 */
function whatIfPart(r, map, nodeLink, money, whatIf) {
  if (!whatIf) return null;
  const w = r.what_if;
  const gone = new Set(w ? w.without : []);
  const pick = h('select', { multiple: true, id: 'whatif-partners', 'aria-label': 'Partners to take away', size: 4 },
    map.nodes.filter((n) => PARTNER_KINDS.includes(n.kind)).map((n) => h('option', { value: n.id, selected: gone.has(n.id) }, n.name || n.id)));
  const fixed = h('input', { type: 'checkbox', id: 'whatif-fixed', checked: w ? w.costs === 'fixed' : false });
  const run = h('button', { type: 'button', id: 'whatif-run', onclick: () => whatIf([...pick.selectedOptions].map((o) => o.value), fixed.checked) }, 'Show what-if');
  const clear = w ? h('button', { type: 'button', class: 'quiet', id: 'whatif-clear', onclick: () => whatIf([], false) }, 'Back to the whole map') : null;
  const result = w ? h('div', { class: 'whatif-result', id: 'whatif-result' },
    h('p', null, 'Without ', w.without.map((id, i) => [i ? ', ' : '', nodeLink(id)]), ': ',
      `${money(w.net_revenue_lost)} of net revenue and ${money(w.profit_lost)} of profit lost`,
      w.cut_off?.length ? ['; cut off: ', w.cut_off.map((id, i) => [i ? ', ' : '', nodeLink(id)])] : '', '.'),
    h('p', { class: 'hint' }, w.costs === 'fixed'
      ? 'Cost to serve kept whole (fixed costs). The figures below are the map without these partners.'
      : 'Cost to serve shrinks with the net revenue a segment keeps (variable costs). The figures below are the map without these partners.')) : null;
  return h('details', { class: 'whatif', open: !!w },
    h('summary', null, 'What if a partner goes?'),
    h('p', { class: 'hint' }, 'Customers who bought through a partner are lost, not moved: shares stay as written.'),
    pick, h('label', { for: 'whatif-fixed' }, fixed, ' Fixed costs (keep each segment\'s cost to serve whole)'), run, clear, result);
}

function tierOrder(t) { return typeof t === 'number' ? t : 9; }
