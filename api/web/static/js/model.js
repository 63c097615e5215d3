// The channel-map vocabulary the page needs: kinds, pairing rules and the
// fields each kind of node and edge has, all read from the server's field
// table (GET /api/v1/schema); the server stays the judge (its validation
// errors are shown next to fields).

// Filled from the server's field table (GET /api/v1/schema) by loadSchema.
export const NODE_KINDS = [];
export const EDGE_KINDS = [];
const PAIRS = new Map(); // edge kind -> { from: [...], to: [...] }

const INTERMEDIARIES = ['distributor', 'wholesaler', 'reseller', 'retailer', 'agent', 'marketplace', 'integrator'];
const CUSTOMERS = ['segment', 'customer'];

export const isIntermediary = (k) => INTERMEDIARIES.includes(k);
export const isCustomer = (k) => CUSTOMERS.includes(k);

/** allows says whether an edge of kind may go from -> to, by the schema's pairings. */
export function allows(kind, from, to) {
  const p = PAIRS.get(kind);
  return !!p && p.from.includes(from) && p.to.includes(to);
}

/** label turns a field or kind name into words: cost_to_serve -> Cost to serve. */
export function label(s) {
  const t = String(s).replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** edgeKey is an edge's address: its id or FROM--KIND--TO. */
export const edgeKey = (e) => e.id || `${e.from}--${e.kind}--${e.to}`;

/**
 * Field specs, built from the schema's rows. type: text, textarea, list
 * (comma separated), number, money (number in the map currency), fraction
 * (0..1), select, checks (several of options), kv (name=value pairs), scores
 * (one number box per known name), nodeselect, products (checks of the
 * map's product nodes). kinds limits a field to those node/edge kinds;
 * newOnly fields can only be set when creating.
 */
export const NODE_FIELDS = [];
export const EDGE_FIELDS = [];

/** spec turns one schema row into a form field spec. */
export function spec(row) {
  const s = { name: row.name, required: !!row.required, kinds: row.kinds, hint: row.help, legend: label(row.name) };
  switch (row.type) {
    case 'id':
      return { ...s, type: 'text', newOnly: true, pattern: '[a-z0-9][a-z0-9_\\-]*' };
    case 'enum':
      return { ...s, type: 'select', options: row.values, blank: row.required ? undefined : '(none)' };
    case 'enum_list':
      return { ...s, type: 'checks', options: row.values };
    case 'text_list':
      return { ...s, type: 'list', hint: `${row.help}; separate with commas` };
    case 'node_ref':
      return { ...s, type: 'nodeselect' };
    case 'node_ref_list':
      return { ...s, type: 'products' };
    case 'whole_number': {
      if (row.min !== undefined && row.max !== undefined && row.max - row.min <= 20) {
        const options = [];
        for (let i = row.min; i <= row.max; i++) options.push(String(i));
        return { ...s, type: 'select', options, int: true, blank: '(none)' };
      }
      return { ...s, type: 'number', min: row.min, max: row.max, step: 1 };
    }
    case 'number':
      if (row.unit === 'currency') return { ...s, type: 'money', min: row.min };
      // A fraction below 1 (a margin) or up to 1 (a share); the intermediary
      // rule is the margin's own: only an intermediary buyer keeps one.
      if (row.unit === 'fraction') return { ...s, type: 'fraction', max: row.max_exclusive ? undefined : row.max, toIntermediary: row.name === 'margin' };
      return { ...s, type: 'number', min: row.min, step: row.unit === 'count' || row.unit === 'months' ? 1 : 'any' };
    case 'score_map':
      if (row.keys) return { ...s, type: 'scores', keys: row.keys, min: row.min, max: row.max };
      return { ...s, type: 'kv' };
    default:
      return { ...s, type: row.multiline ? 'textarea' : 'text' };
  }
}

let loaded = null;

/** loadSchema fetches the field table once and fills the kinds and field specs. */
export function loadSchema(request) {
  if (!loaded) {
    loaded = request('/api/v1/schema').then(({ data: sc }) => {
      NODE_KINDS.splice(0, NODE_KINDS.length, ...sc.node_kinds);
      EDGE_KINDS.splice(0, EDGE_KINDS.length, ...sc.edge_kinds.map((k) => k.name));
      for (const k of sc.edge_kinds) PAIRS.set(k.name, { from: k.from, to: k.to });
      NODE_FIELDS.splice(0, NODE_FIELDS.length, ...sc.node.map(spec));
      EDGE_FIELDS.splice(0, EDGE_FIELDS.length, ...sc.edge.map(spec));
    }).catch((err) => { loaded = null; throw err; });
  }
  return loaded;
}
