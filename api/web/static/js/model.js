// The channel-map vocabulary the page needs: kinds, pairing rules and the
// fields each kind of node and edge has. It mirrors graph/model.go; the
// server stays the judge (its validation errors are shown next to fields).

export const NODE_KINDS = ['supplier', 'company', 'distributor', 'wholesaler', 'reseller', 'retailer',
  'agent', 'marketplace', 'integrator', 'service_provider', 'segment', 'customer', 'touchpoint', 'product'];
export const EDGE_KINDS = ['supplies', 'supports', 'operates', 'uses', 'belongs_to', 'partners_with'];
export const METHODS = ['direct', 'freight', 'courier', 'pickup', 'in_store', 'online', 'download', 'field_install', 'drop_ship', 'other'];
export const MARKETS = ['consumer', 'producer', 'intermediary', 'government', 'international'];
export const CHANNELS = ['web', 'phone', 'field_sales', 'trade_fair', 'email', 'social', 'store', 'portal', 'support_desk', 'other'];
export const QUALITY = ['focus', 'value_add', 'payment', 'stability', 'innovation', 'integrity', 'team', 'relationship'];

const INTERMEDIARIES = ['distributor', 'wholesaler', 'reseller', 'retailer', 'agent', 'marketplace', 'integrator'];
const CUSTOMERS = ['segment', 'customer'];

export const isIntermediary = (k) => INTERMEDIARIES.includes(k);
export const isCustomer = (k) => CUSTOMERS.includes(k);
export const isOrg = (k) => k === 'company' || k === 'supplier' || k === 'service_provider' || isIntermediary(k);

/** allows mirrors graph.EdgeKind.Allows: may an edge of kind go from -> to? */
export function allows(kind, from, to) {
  switch (kind) {
    case 'supplies': return isOrg(from) && from !== 'service_provider' && (isOrg(to) || isCustomer(to)) && to !== 'service_provider';
    case 'supports': return isOrg(from) && isCustomer(to);
    case 'operates': return isOrg(from) && to === 'touchpoint';
    case 'uses': return isCustomer(from) && to === 'touchpoint';
    case 'belongs_to': return from === 'customer' && to === 'segment';
    case 'partners_with': return isOrg(from) && isOrg(to);
    default: return false;
  }
}

/** label turns a field or kind name into words: cost_to_serve -> Cost to serve. */
export function label(s) {
  const t = String(s).replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** edgeKey is an edge's address: its id or FROM--KIND--TO. */
export const edgeKey = (e) => e.id || `${e.from}--${e.kind}--${e.to}`;

/**
 * Field specs. type: text, textarea, list (comma separated), number, money
 * (number in the map currency), fraction (0..1), select, checks (several of
 * options), kv (name=value pairs), quality (the eight 1-5 scores), nodeselect,
 * products (checks of the map's product nodes). kinds limits a field to
 * those node/edge kinds; newOnly fields can only be set when creating.
 */
export const NODE_FIELDS = [
  { name: 'id', type: 'text', newOnly: true, required: true, pattern: '[a-z0-9][a-z0-9_\\-]*', hint: 'lower-case letters, digits, - and _' },
  { name: 'kind', type: 'select', options: NODE_KINDS, required: true },
  { name: 'name', type: 'text', required: true },
  { name: 'description', type: 'textarea' },
  { name: 'tags', type: 'list', hint: 'separate with commas' },
  { name: 'region', type: 'text', kinds: INTERMEDIARIES },
  { name: 'services', type: 'list', kinds: ['service_provider'], hint: 'separate with commas' },
  { name: 'market', type: 'select', options: MARKETS, kinds: CUSTOMERS, blank: '(none)' },
  { name: 'customers', type: 'number', kinds: CUSTOMERS, min: 0, step: 1, hint: 'number of customers' },
  { name: 'revenue', type: 'money', kinds: CUSTOMERS, min: 0, hint: 'yearly spend at end-customer prices' },
  { name: 'cost_to_serve', type: 'money', kinds: CUSTOMERS, min: 0, hint: 'our yearly cost to serve' },
  { name: 'gross_margin', type: 'fraction', kinds: CUSTOMERS, max: 1, hint: 'our gross margin on its net revenue, 0.35 = 35 %; empty = the map default' },
  { name: 'prefers', type: 'checks', options: METHODS, kinds: CUSTOMERS, legend: 'Prefers (acquisition methods)' },
  { name: 'needs', type: 'text', kinds: CUSTOMERS },
  { name: 'tier', type: 'select', options: ['1', '2', '3', '4'], int: true, kinds: CUSTOMERS, blank: '(computed)', hint: 'set only to override the computed tier' },
  { name: 'scores', type: 'kv', kinds: CUSTOMERS, hint: 'name=value, 0-100, e.g. growth=70, payment=40' },
  { name: 'quality', type: 'quality', kinds: CUSTOMERS, legend: 'Quality (1-5 each)' },
  { name: 'channel', type: 'select', options: CHANNELS, kinds: ['touchpoint'], blank: '(none)' },
  { name: 'purpose', type: 'text', kinds: ['touchpoint'] },
  { name: 'replacement_months', type: 'number', kinds: ['product'], min: 0, step: 1 },
];

export const EDGE_FIELDS = [
  { name: 'id', type: 'text', newOnly: true, pattern: '[a-z0-9][a-z0-9_\\-]*', hint: 'optional; needed when two edges of one kind join the same nodes' },
  { name: 'from', type: 'nodeselect', required: true },
  { name: 'to', type: 'nodeselect', required: true },
  { name: 'kind', type: 'select', options: EDGE_KINDS, required: true },
  { name: 'delivery', type: 'select', options: METHODS, kinds: ['supplies'], blank: '(none)' },
  { name: 'margin', type: 'fraction', kinds: ['supplies'], toIntermediary: true, hint: 'the buyer\'s margin, 0.18 = 18 %' },
  { name: 'share', type: 'fraction', kinds: ['supplies'], max: 1, hint: 'share is the fraction of the buyer\'s purchases that come through this edge, 0-1' },
  { name: 'products', type: 'products', kinds: ['supplies', 'supports'], legend: 'Products (none ticked = all)' },
  { name: 'services', type: 'list', kinds: ['supports'], hint: 'separate with commas' },
  { name: 'why', type: 'text', kinds: ['supports'], hint: 'why the customer goes to them' },
  { name: 'purpose', type: 'text', kinds: ['uses'] },
  { name: 'what', type: 'text', kinds: ['partners_with'] },
];
