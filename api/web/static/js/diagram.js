// The diagram pane: the server's Graphviz SVG parsed (never as HTML), cleaned
// of anything active, inlined so nodes and edges can be clicked, and viewed
// through the root viewBox for pan (drag, arrow keys) and zoom (wheel, +/-,
// fit to screen).

import { h, svg as svgEl } from './dom.js';
import { edgeKey } from './model.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** sanitize removes scripts, foreign content, event handlers and script URLs. */
export function sanitize(root) {
  for (const bad of root.querySelectorAll('script, foreignObject, iframe, object, embed')) bad.remove();
  for (const el of [root, ...root.querySelectorAll('*')]) {
    for (const a of [...el.attributes]) {
      const n = a.name.toLowerCase();
      const v = a.value.trim().toLowerCase();
      if (n.startsWith('on') || ((n === 'href' || n.endsWith(':href')) && !v.startsWith('#'))) el.removeAttribute(a.name);
    }
  }
  // Graphviz wraps URL-bearing elements in <a>; with their href gone they are
  // plain groups, which is what we want (clicks select instead of navigating).
}

/**
 * Diagram shows one map's SVG in container. onNode(id) and onEdge(key) are
 * called when a drawn node or edge is chosen by click, Enter or Space.
 */
export class Diagram {
  constructor(container, { onNode, onEdge }) {
    this.box = container;
    this.onNode = onNode;
    this.onEdge = onEdge;
    this.svg = null;
    this.home = null;
    this.vb = null;
    this.box.addEventListener('wheel', (ev) => this.wheel(ev), { passive: false });
    this.box.addEventListener('pointerdown', (ev) => this.down(ev));
    this.box.addEventListener('keydown', (ev) => this.key(ev));
  }

  /** show replaces the drawing with svgText; map resolves drawn ids to nodes and edges. */
  show(svgText, map, title) {
    const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
    const root = doc.documentElement;
    if (root.nodeName !== 'svg' || doc.querySelector('parsererror')) throw new Error('the server sent a diagram that is not SVG');
    sanitize(root);
    const el = document.importNode(root, true);
    const vbAttr = el.getAttribute('viewBox');
    let vb = vbAttr ? vbAttr.split(/[\s,]+/).map(Number) : null;
    if (!vb || vb.length !== 4 || vb.some((x) => !Number.isFinite(x))) {
      vb = [0, 0, parseFloat(el.getAttribute('width')) || 800, parseFloat(el.getAttribute('height')) || 600];
    }
    el.setAttribute('viewBox', vb.join(' '));
    el.setAttribute('width', '100%');
    el.setAttribute('height', '100%');
    el.setAttribute('preserveAspectRatio', 'xMidYMid meet');
    el.setAttribute('role', 'group');
    el.setAttribute('aria-roledescription', 'diagram');
    el.classList.add('diagram-svg');
    // An accessible name: the map's title as the SVG's first <title>.
    const t = svgEl('title', { id: 'diagram-title' }, title || 'Channel map diagram');
    el.prepend(t);
    el.setAttribute('aria-labelledby', 'diagram-title');
    this.wire(el, map);
    if (this.svg) this.svg.replaceWith(el); else this.box.append(el);
    const keepView = this.home && this.vb && sameBox(this.home, vb);
    this.svg = el;
    this.home = vb;
    if (keepView) this.apply(); else this.fit();
  }

  /** wire makes every drawn node and edge that names a map object selectable. */
  wire(el, map) {
    const nodeIds = new Set(map.nodes.map((n) => n.id));
    const edges = map.edges;
    const edgeKeys = new Set(edges.map(edgeKey));
    for (const g of el.querySelectorAll('g.node')) {
      const id = resolve([g.getAttribute('id'), g.querySelector(':scope > title')?.textContent], nodeIds, /^(node[-_:]?|n[-_:])/);
      if (!id) continue;
      const name = map.nodes.find((n) => n.id === id)?.name || id;
      this.selectable(g, 'node', id, `Node ${name}`);
    }
    for (const g of el.querySelectorAll('g.edge')) {
      let key = resolve([g.getAttribute('id')], edgeKeys, /^(edge[-_:]?|e[-_:])/);
      const title = g.querySelector(':scope > title')?.textContent || '';
      if (!key) {
        const m = title.match(/^(.+?)(?::[^:>-]*)?->(.+?)(?::[^:]*)?$/);
        if (m) {
          const cands = edges.filter((e) => e.from === m[1] && e.to === m[2]);
          const classes = [...g.classList];
          const byKind = cands.filter((e) => classes.includes(e.kind) || classes.includes(`edge-${e.kind}`) || (g.id || '').includes(e.kind));
          const pick = byKind.length === 1 ? byKind[0] : (cands.length === 1 ? cands[0] : null);
          if (pick) key = edgeKey(pick);
        }
      }
      if (!key) continue;
      const e = edges.find((x) => edgeKey(x) === key);
      const name = (id) => map.nodes.find((n) => n.id === id)?.name || id;
      this.selectable(g, 'edge', key, `Edge ${e.kind.replace(/_/g, ' ')} from ${name(e.from)} to ${name(e.to)}`);
    }
  }

  selectable(g, what, id, name) {
    g.classList.add('pick');
    g.dataset.what = what;
    g.dataset.ref = id;
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'button');
    g.setAttribute('aria-label', name);
  }

  /** mark highlights the selected node or edge (or nothing). */
  mark(what, id) {
    if (!this.svg) return;
    for (const g of this.svg.querySelectorAll('.pick.selected')) g.classList.remove('selected');
    if (!what) return;
    for (const g of this.svg.querySelectorAll('.pick')) {
      if (g.dataset.what === what && g.dataset.ref === id) g.classList.add('selected');
    }
  }

  choose(g) {
    if (g.dataset.what === 'node') this.onNode(g.dataset.ref);
    else this.onEdge(g.dataset.ref);
  }

  clear() {
    if (this.svg) this.svg.remove();
    this.svg = null;
    this.home = null;
  }

  fit() {
    if (!this.home) return;
    const [x, y, w, hgt] = this.home;
    const pad = Math.max(w, hgt) * 0.02;
    this.vb = [x - pad, y - pad, w + 2 * pad, hgt + 2 * pad];
    this.apply();
  }

  apply() {
    if (this.svg && this.vb) this.svg.setAttribute('viewBox', this.vb.map((v) => +v.toFixed(3)).join(' '));
  }

  /** zoom scales the view by f around the point (px, py) in client pixels, or the centre. */
  zoom(f, px, py) {
    if (!this.svg || !this.vb) return;
    const [x, y, w, hgt] = this.vb;
    const nw = w * f;
    if (nw < this.home[2] / 40 || nw > this.home[2] * 10) return;
    let cx = x + w / 2; let cy = y + hgt / 2;
    if (px !== undefined) {
      const p = this.toSvg(px, py);
      if (p) { cx = p.x; cy = p.y; }
    }
    this.vb = [cx - (cx - x) * f, cy - (cy - y) * f, nw, hgt * f];
    this.apply();
  }

  /** pan moves the view by (dx, dy) client pixels. */
  pan(dx, dy) {
    if (!this.svg || !this.vb) return;
    const m = this.svg.getScreenCTM();
    const s = m ? m.a : 1;
    this.vb[0] -= dx / s;
    this.vb[1] -= dy / s;
    this.apply();
  }

  toSvg(px, py) {
    const m = this.svg.getScreenCTM();
    if (!m) return null;
    return new DOMPoint(px, py).matrixTransform(m.inverse());
  }

  wheel(ev) {
    if (!this.svg) return;
    ev.preventDefault();
    const f = Math.exp(Math.sign(ev.deltaY) * Math.min(Math.abs(ev.deltaY), 100) / 400);
    this.zoom(f, ev.clientX, ev.clientY);
  }

  down(ev) {
    if (!this.svg || ev.button !== 0) return;
    const start = { x: ev.clientX, y: ev.clientY };
    let last = start;
    let dragged = false;
    const target = ev.target.closest?.('.pick');
    const move = (e) => {
      if (!dragged && Math.hypot(e.clientX - start.x, e.clientY - start.y) > 4) {
        dragged = true;
        this.box.classList.add('dragging');
        this.box.setPointerCapture?.(ev.pointerId);
      }
      if (dragged) {
        this.pan(e.clientX - last.x, e.clientY - last.y);
        last = { x: e.clientX, y: e.clientY };
      }
    };
    const up = () => {
      this.box.removeEventListener('pointermove', move);
      this.box.removeEventListener('pointerup', up);
      this.box.removeEventListener('pointercancel', up);
      this.box.classList.remove('dragging');
      if (!dragged && target) this.choose(target);
    };
    this.box.addEventListener('pointermove', move);
    this.box.addEventListener('pointerup', up);
    this.box.addEventListener('pointercancel', up);
  }

  key(ev) {
    const g = ev.target.closest?.('.pick');
    if (g && (ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault();
      this.choose(g);
      return;
    }
    const step = 40;
    const acts = {
      '+': () => this.zoom(0.8), '=': () => this.zoom(0.8), '-': () => this.zoom(1.25), 0: () => this.fit(),
      ArrowLeft: () => this.pan(step, 0), ArrowRight: () => this.pan(-step, 0),
      ArrowUp: () => this.pan(0, step), ArrowDown: () => this.pan(0, -step),
    };
    const act = acts[ev.key];
    if (act && !ev.ctrlKey && !ev.metaKey && !ev.altKey) { ev.preventDefault(); act(); }
  }
}

/** resolve picks the first candidate (or candidate without prefix) that is in known. */
function resolve(cands, known, prefix) {
  for (const c of cands) {
    if (!c) continue;
    if (known.has(c)) return c;
    const s = c.replace(prefix, '');
    if (known.has(s)) return s;
  }
  return null;
}

// Slide text options, as the CLI has them (--footer, --min-font,
// --text-as-paths); the server checks the same bounds (api/openapi.yaml).
export const MIN_FONT = { min: 4, max: 72, dflt: 12 };
export const FOOTER_MAX = 300;

/** slideOptsFrom reads the slide text options from the page's address. */
export function slideOptsFrom(params) {
  const raw = params.get('min_font');
  const f = Number(raw);
  return {
    footer: (params.get('footer') || '').slice(0, FOOTER_MAX),
    minFont: raw && Number.isFinite(f) && f >= MIN_FONT.min && f <= MIN_FONT.max ? f : MIN_FONT.dflt,
    paths: params.get('text_as_paths') === 'true' || params.get('text_as_paths') === '1',
  };
}

/** slideParams adds the slide text options that differ from the defaults to q. */
export function slideParams(q, o) {
  if (o.footer) q.set('footer', o.footer);
  if (o.minFont !== MIN_FONT.dflt) q.set('min_font', String(o.minFont));
  if (o.paths) q.set('text_as_paths', 'true');
  return q;
}

/**
 * slideControls makes the controls for the footer, the smallest text size
 * and text as outlines; set(key, value) is called with a valid value only
 * (a size out of bounds is marked invalid and not sent).
 */
export function slideControls(o, set) {
  const footer = h('input', {
    type: 'text', id: 'footer-input', maxlength: String(FOOTER_MAX), value: o.footer, placeholder: 'Source and date',
    title: 'Source and date at the foot of the page', onchange: (e) => set('footer', e.target.value.trim()),
  });
  const size = h('input', {
    type: 'number', id: 'min-font-input', min: String(MIN_FONT.min), max: String(MIN_FONT.max), step: '0.5', value: String(o.minFont),
    title: `Smallest text in points on the page (${MIN_FONT.min}–${MIN_FONT.max}); a map that does not fit is grouped`,
    onchange: (e) => {
      const v = Number(e.target.value);
      const ok = e.target.value !== '' && e.target.checkValidity() && v >= MIN_FONT.min && v <= MIN_FONT.max;
      e.target.setAttribute('aria-invalid', ok ? 'false' : 'true');
      if (ok) set('minFont', v);
    },
  });
  const paths = h('input', { type: 'checkbox', id: 'paths-toggle', checked: o.paths, onchange: (e) => set('paths', e.target.checked) });
  return {
    footer: h('span', { class: 'ctl' }, h('label', { for: 'footer-input' }, 'Footer'), footer),
    minFont: h('span', { class: 'ctl' }, h('label', { for: 'min-font-input' }, 'Smallest text (pt)'), size),
    paths: h('span', { class: 'ctl check' }, paths,
      h('label', { for: 'paths-toggle', title: 'Exported SVG draws text as outlines: the same look everywhere, not selectable' }, 'Text as outlines')),
    /** show puts o's values into the controls (the address changed). */
    show(v) { footer.value = v.footer; size.value = String(v.minFont); size.setAttribute('aria-invalid', 'false'); paths.checked = v.paths; },
  };
}

function sameBox(a, b) { return a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 0.5); }

export { SVG_NS };
