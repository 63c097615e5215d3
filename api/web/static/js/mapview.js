// The map view: toolbar (view, focus, colour, detail, zoom, add, export), the
// diagram, and the side panel with the editor, the support answer for a
// selected segment and the analysis. Every write carries If-Match with the
// version last read; a 412 reloads the map and keeps what the user typed.

import { h, replace, status, confirmDialog, uid } from './dom.js';
import { request, download, enc, token, ApiError } from './api.js';
import { Diagram, MIN_FONT, slideControls, slideOptsFrom, slideParams } from './diagram.js';
import { Editor } from './editor.js';
import { supportPanel, analysisPanel } from './answers.js';
import { edgeKey, isCustomer, label } from './model.js';
import { HistoryPanel } from './history.js';

const VIEWS = [['full', 'Full map'], ['supply', 'Supply'], ['support', 'Support'], ['touchpoints', 'Touchpoints'], ['focus', 'Focus on a segment']];
const COLORS = [['kind', 'Kind'], ['tier', 'Tier'], ['profit', 'Profit']];
// The slide size and theme apply to exported diagrams; the screen shows the map at natural size.
const PAGES = [['16:9', 'Slide 16:9'], ['4:3', 'Slide 4:3'], ['a4-landscape', 'A4 landscape'], ['a4', 'A4'], ['letter', 'Letter'], ['none', 'Natural size']];
const THEMES = [['default', 'Default'], ['print', 'Print'], ['dark', 'Dark']];
const EXPORTS = [['svg', 'SVG', 'diagram'], ['pdf', 'PDF', 'diagram'], ['png', 'PNG', 'diagram'],
  ['pdf', 'Deck (PDF)', 'deck'], ['pptx', 'Deck (PowerPoint)', 'deck'], ['yaml', 'YAML', 'export'], ['json', 'JSON', 'export'], ['csv', 'CSV', 'export'], ['xlsx', 'XLSX', 'export']];

export const CONFLICT_TEXT = 'Someone else changed this map while you were editing. The map has been reloaded; '
  + 'your changes are still in the form and not saved yet. Check them and save again.';

/** MapView is one open map. */
export class MapView {
  constructor(main, crumbs, id, params) {
    this.main = main;
    this.crumbs = crumbs;
    this.id = id;
    this.map = null;
    this.version = null;
    this.opts = optsFrom(params);
    this.sel = null; // {what, id}
    this.editor = null;
    this.build();
  }

  base() { return `/maps/${enc(this.id)}`; }

  build() {
    const sel = (id, lab, options, value, onchange, extra = {}) => {
      const s = h('select', { id, onchange }, options.map(([v, t]) => h('option', { value: v, selected: v === value }, t)));
      return h('span', { class: 'ctl', ...extra }, h('label', { for: id }, lab), s);
    };
    this.viewSel = sel('view-select', 'View', VIEWS, this.opts.view, (e) => this.setOpt('view', e.target.value));
    this.focusWrap = sel('focus-select', 'Segment', [], '', (e) => this.setOpt('focus', e.target.value));
    this.colorSel = sel('color-select', 'Colour by', COLORS, this.opts.color, (e) => this.setOpt('color', e.target.value));
    const detailId = 'detail-toggle';
    this.detail = h('span', { class: 'ctl check' },
      h('input', { type: 'checkbox', id: detailId, checked: this.opts.detail, onchange: (e) => this.setOpt('detail', e.target.checked) }),
      h('label', { for: detailId, title: 'Draw every node even on big maps (slower)' }, 'All detail'));
    this.pageSel = sel('page-select', 'Export page', PAGES, this.opts.page, (e) => this.setOpt('page', e.target.value));
    this.themeSel = sel('theme-select', 'Theme', THEMES, this.opts.theme, (e) => this.setOpt('theme', e.target.value));
    const check = (id, key, text, title) => h('span', { class: 'ctl check' },
      h('input', { type: 'checkbox', id, checked: this.opts[key], onchange: (e) => this.setOpt(key, e.target.checked) }),
      h('label', { for: id, title }, text));
    this.figures = check('figures-toggle', 'figures', 'Figures', 'Net revenue and margin on segment boxes');
    this.weak = check('weak-toggle', 'weak', 'Weak spots', 'Mark unreachable and unsupported segments and single points of failure');
    this.fade = check('fade-toggle', 'fade', 'Fade the rest', 'In a focus view, keep the rest of the map, faded');
    this.flow = check('flow-toggle', 'flow', 'Flow', 'Supply lines as wide as the net revenue that flows through them');
    this.insights = check('insights-toggle', 'insights', 'Findings', 'Number the top five findings on the diagram and list them beside it');
    this.slide = slideControls(this.opts, (k, v) => this.setOpt(k, v));
    this.withoutWrap = sel('without-select', 'What if we lose', [['', '(nobody)']], this.opts.without, (e) => this.setOpt('without', e.target.value));
    this.exportMenu = h('details', { class: 'menu', id: 'export-menu' }, h('summary', null, 'Export'),
      h('ul', { class: 'menu-list' }, EXPORTS.map(([ext, text, kind]) => h('li', null, h('a', {
        // Diagrams and decks are named after the map; exports keep the server's file name (CSV comes as a zip).
        id: kind === 'deck' ? `export-deck-${ext}` : `export-${ext}`, href: '#', download: kind === 'export' ? true : this.fileName(ext, kind), dataset: { ext, kind },
        onclick: (ev) => this.exportClick(ev, ext, kind),
      }, text)))));
    this.diagramBox = h('div', { id: 'diagram', class: 'diagram', tabindex: '0', 'aria-label': 'Diagram. Drag or use arrow keys to pan, wheel or + and - to zoom, 0 to fit. Tab to nodes and edges, Enter to edit.' });
    this.diagramMsg = h('p', { class: 'diagram-msg', role: 'status', 'aria-live': 'polite' });
    this.diagram = new Diagram(this.diagramBox, { onNode: (id) => this.selectNode(id), onEdge: (k) => this.selectEdge(k) });
    this.panel = h('div', { id: 'panel', class: 'panel' });
    this.support = h('div', { id: 'support', class: 'panel', hidden: true });
    this.analysisBody = h('div', { id: 'analysis-body' }, h('p', null, 'Loading…'));
    this.analysis = h('details', { id: 'analysis', class: 'panel', open: true }, h('summary', null, h('h2', null, 'Analysis')), this.analysisBody);

    const tb = h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Diagram and map tools' },
      this.viewSel, this.focusWrap, this.colorSel, this.detail, this.figures, this.weak, this.fade, this.flow, this.insights, this.withoutWrap, this.themeSel, this.pageSel, this.slide.footer, this.slide.minFont, this.slide.paths,
      h('span', { class: 'sep', 'aria-hidden': 'true' }),
      h('span', { class: 'btn-group', role: 'group', 'aria-label': 'Zoom' },
        h('button', { type: 'button', id: 'zoom-in', 'aria-label': 'Zoom in', title: 'Zoom in (+)', onclick: () => this.diagram.zoom(0.8) }, '+'),
        h('button', { type: 'button', id: 'zoom-out', 'aria-label': 'Zoom out', title: 'Zoom out (-)', onclick: () => this.diagram.zoom(1.25) }, '−'),
        h('button', { type: 'button', id: 'fit-button', title: 'Fit to screen (0)', onclick: () => this.diagram.fit() }, 'Fit')),
      h('span', { class: 'sep', 'aria-hidden': 'true' }),
      h('button', { type: 'button', id: 'add-node', onclick: async () => { if (await this.leaveEditor()) this.openEditor('node', null); } }, 'Add node'),
      h('button', { type: 'button', id: 'add-edge', onclick: async () => { if (await this.leaveEditor()) this.openEditor('edge', null); } }, 'Add edge'),
      h('span', { class: 'spacer' }),
      this.exportMenu);

    this.heading = h('h1', { class: 'map-title' }, this.id);
    replace(this.main, h('div', { class: 'map-page' },
      h('div', { class: 'map-head' }, this.heading, h('span', { class: 'version', id: 'map-version' })),
      tb,
      h('div', { class: 'workspace' },
        h('section', { class: 'diagram-pane', 'aria-label': 'Diagram' }, this.diagramBox, this.diagramMsg),
        h('aside', { class: 'side', 'aria-label': 'Details' }, this.panel, this.support, this.analysis, (this.history = new HistoryPanel(this)).el))));
    this.focusWrap.hidden = this.opts.view !== 'focus';
    this.updateExports();
    this.idle();
  }

  /** open loads everything for the first time. */
  async open() {
    try {
      await this.loadMap();
    } catch (e) {
      replace(this.main, h('div', { class: 'page' }, h('h1', null, 'Map not available'),
        h('p', { class: 'notice error', role: 'alert' }, e.status === 404 ? `There is no map "${this.id}".` : `Could not load the map: ${e.message}`),
        h('p', null, h('a', { href: '#/' }, 'Back to the maps'))));
      return;
    }
    await Promise.all([this.loadDiagram(), this.loadAnalysis()]);
  }

  async loadMap() {
    const res = await request(this.base());
    this.map = res.data;
    this.map.nodes ||= [];
    this.map.edges ||= [];
    this.version = res.version ?? String(this.map.version ?? '');
    const title = this.map.title || this.map.id;
    this.heading.textContent = title;
    document.getElementById('map-version').textContent = `version ${this.version} · ${this.map.nodes.length} nodes · ${this.map.edges.length} edges${this.map.currency ? ` · ${this.map.currency}` : ''}`;
    document.title = `${title} — chanmap`;
    replace(this.crumbs, h('a', { href: '#/' }, 'Maps'), ' / ', h('span', { 'aria-current': 'page' }, title));
    const fs = this.focusWrap.querySelector('select');
    const segs = this.map.nodes.filter((n) => isCustomer(n.kind));
    replace(fs, segs.length ? null : h('option', { value: '' }, '(no segments)'),
      segs.map((n) => h('option', { value: n.id, selected: n.id === this.opts.focus }, n.name || n.id)));
    if (this.opts.view === 'focus' && !segs.some((n) => n.id === this.opts.focus) && segs.length) this.opts.focus = segs[0].id;
    fs.value = this.opts.focus || '';
    const ws = this.withoutWrap.querySelector('select');
    const partners = this.map.nodes.filter((n) => !isCustomer(n.kind) && !['company', 'touchpoint', 'product'].includes(n.kind));
    replace(ws, h('option', { value: '' }, '(nobody)'),
      partners.map((n) => h('option', { value: n.id, selected: n.id === this.opts.without }, n.name || n.id)));
    if (!partners.some((n) => n.id === this.opts.without)) this.opts.without = '';
    ws.value = this.opts.without;
    if (!this.editor) this.idle(); // the "Go to node" list follows the map
  }

  /** diagramURL is the drawing with the chosen options; the screen (svg
   * without forExport) shows it at natural size, exports on the chosen page. */
  diagramURL(ext, forExport = false) {
    const q = paramsOf(this.opts);
    q.set('page', forExport ? this.opts.page : 'none');
    if (!forExport || ext !== 'svg') q.delete('text_as_paths'); // outlines are for exported SVG
    return `/api/v1${this.base()}/diagram.${ext}?${q}`;
  }

  async loadDiagram() {
    this.updateExports();
    const seq = (this.diagramSeq = (this.diagramSeq || 0) + 1);
    this.diagramBox.setAttribute('aria-busy', 'true');
    this.diagramMsg.textContent = 'Drawing…';
    try {
      const { data } = await request(this.diagramURL('svg'), { as: 'text' });
      if (seq !== this.diagramSeq) return;
      this.diagram.show(data, this.map, `Diagram of ${this.map.title || this.map.id} (${label(this.opts.view)} view)`);
      const drawn = this.diagramBox.querySelectorAll('g.pick[data-what="node"]').length;
      const grouped = !this.opts.detail && this.opts.view !== 'focus' && this.map.nodes.length > 150 && drawn < this.map.nodes.length / 2;
      this.diagramMsg.textContent = grouped
        ? 'A big map: nodes of one kind are drawn as one box. Tick "All detail" to draw every node (slower), focus on a segment, or pick a node under "Go to node".'
        : '';
      if (this.sel) this.diagram.mark(this.sel.what, this.sel.id);
    } catch (e) {
      if (seq !== this.diagramSeq) return;
      this.diagram.clear();
      this.diagramMsg.textContent = `The diagram could not be drawn: ${e.message}`;
    } finally {
      if (seq === this.diagramSeq) this.diagramBox.removeAttribute('aria-busy');
    }
  }

  async loadAnalysis(without = [], fixedCosts = false) {
    try {
      const q = without.map((id) => `without=${enc(id)}`);
      if (without.length && fixedCosts) q.push('fixed_costs=true');
      const { data } = await request(`${this.base()}/analysis${q.length ? `?${q.join('&')}` : ''}`);
      replace(this.analysisBody, analysisPanel(data, this.map, (id) => this.selectNode(id),
        (ids, fixed) => this.loadAnalysis(ids, fixed)));
    } catch (e) {
      replace(this.analysisBody, h('p', { class: 'empty' }, `Analysis is not available: ${e.message}`));
    }
  }

  async loadSupport(id) {
    this.support.hidden = false;
    replace(this.support, h('p', null, 'Loading the support answer…'));
    try {
      const { data } = await request(`${this.base()}/segments/${enc(id)}/support`);
      if (!this.sel || this.sel.id !== id) return;
      replace(this.support, supportPanel(data, this.map, (x) => this.selectNode(x)),
        h('button', { type: 'button', class: 'quiet', onclick: () => { this.opts.focus = id; this.setOpt('view', 'focus'); } }, 'Focus the diagram on it'));
    } catch (e) {
      replace(this.support, h('p', { class: 'empty' }, `The support answer is not available: ${e.message}`));
    }
  }

  /** refresh reloads the map and everything drawn from it. */
  async refresh() {
    await this.loadMap();
    await Promise.all([this.loadDiagram(), this.loadAnalysis(),
      this.sel && this.sel.what === 'node' && isCustomer(this.map.nodes.find((n) => n.id === this.sel.id)?.kind) ? this.loadSupport(this.sel.id) : null]);
  }

  setOpt(k, v) {
    this.opts[k] = v;
    if (k === 'view') {
      this.focusWrap.hidden = v !== 'focus';
      this.viewSel.querySelector('select').value = v;
      if (v === 'focus' && !this.opts.focus) {
        const segs = this.map?.nodes.filter((n) => isCustomer(n.kind)) || [];
        const selSeg = this.sel && segs.find((n) => n.id === this.sel.id);
        this.opts.focus = (selSeg || segs[0])?.id || '';
      }
      this.focusWrap.querySelector('select').value = this.opts.focus || '';
    }
    history.replaceState(null, '', `#/maps/${enc(this.id)}?${paramsOf(this.opts)}`);
    this.loadDiagram();
  }

  /** follow applies options from a changed URL. */
  follow(params) {
    const o = optsFrom(params);
    if (JSON.stringify(o) === JSON.stringify(this.opts)) return;
    this.opts = o;
    this.viewSel.querySelector('select').value = o.view;
    this.colorSel.querySelector('select').value = o.color;
    this.detail.querySelector('input').checked = o.detail;
    this.figures.querySelector('input').checked = o.figures;
    this.weak.querySelector('input').checked = o.weak;
    this.fade.querySelector('input').checked = o.fade;
    this.withoutWrap.querySelector('select').value = o.without;
    this.themeSel.querySelector('select').value = o.theme;
    this.pageSel.querySelector('select').value = o.page;
    this.slide.show(o);
    this.focusWrap.hidden = o.view !== 'focus';
    this.focusWrap.querySelector('select').value = o.focus || '';
    this.loadDiagram();
  }

  idle() {
    this.editor = null;
    this.sel = null;
    this.diagram.mark(null);
    this.support.hidden = true;
    const goId = uid('goto');
    const nodes = this.map ? [...this.map.nodes].sort((a, b) => (a.name || a.id).localeCompare(b.name || b.id)) : [];
    replace(this.panel, h('div', { class: 'idle' },
      h('h2', null, 'Edit'),
      h('p', null, 'Click a node or an edge on the diagram to edit it, or add one with the buttons above. '
        + 'Select a segment to see who supports it and how it gets the products.'),
      nodes.length ? [h('label', { for: goId }, 'Go to node'),
        h('select', { id: goId, onchange: (e) => e.target.value && this.selectNode(e.target.value) },
          h('option', { value: '' }, '(choose)'), nodes.map((n) => h('option', { value: n.id }, `${n.name || n.id} (${n.kind.replace(/_/g, ' ')})`)))] : null));
  }

  /** leaveEditor asks before unsaved input in the form is thrown away. */
  async leaveEditor() {
    if (!this.editor || !this.editor.dirty) return true;
    return confirmDialog('Discard your changes?', 'The form has changes that are not saved yet.', 'Discard');
  }

  async selectNode(id) {
    if (this.editor && this.editor.pick(id)) return;
    const n = this.map.nodes.find((x) => x.id === id);
    if (!n) return;
    if (!(this.editor && !this.editor.isNew && this.editor.what === 'node' && this.editor.key === id) && !await this.leaveEditor()) return;
    this.sel = { what: 'node', id };
    this.openEditor('node', n);
    this.diagram.mark('node', id);
    if (isCustomer(n.kind)) this.loadSupport(id); else this.support.hidden = true;
  }

  async selectEdge(key) {
    const e = this.map.edges.find((x) => edgeKey(x) === key);
    if (!e) return;
    if (!(this.editor && !this.editor.isNew && this.editor.what === 'edge' && this.editor.key === key) && !await this.leaveEditor()) return;
    this.sel = { what: 'edge', id: key };
    this.openEditor('edge', e);
    this.diagram.mark('edge', key);
    this.support.hidden = true;
  }

  openEditor(what, item) {
    if (!item) { this.sel = null; this.diagram.mark(null); this.support.hidden = true; }
    this.editor = new Editor({
      what, map: this.map, item,
      onSave: (ed, next) => this.save(ed, next),
      onDelete: (ed) => this.remove(ed),
      onClose: async () => { if (await this.leaveEditor()) this.idle(); },
    });
    replace(this.panel, this.editor.form);
    const first = this.editor.form.querySelector('input:not([readonly]):not([type=hidden]), select, textarea');
    if (!item && first) first.focus();
  }

  async save(ed, next) {
    const coll = ed.what === 'node' ? 'nodes' : 'edges';
    let res;
    try {
      if (ed.isNew) {
        res = await request(`${this.base()}/${coll}`, { method: 'POST', body: next, ifMatch: this.version });
      } else {
        const patch = ed.patch(next);
        if (!Object.keys(patch).length) { status('Nothing to save: no field changed.'); return; }
        res = await request(`${this.base()}/${coll}/${enc(ed.key)}`, {
          method: 'PATCH', body: patch, contentType: 'application/merge-patch+json', ifMatch: this.version,
        });
      }
    } catch (e) {
      await this.failed(ed, e);
      return;
    }
    if (res.version) this.version = res.version;
    ed.dirty = false;
    const newKey = ed.what === 'node' ? next.id : edgeKey(next);
    status(ed.isNew ? `Added ${ed.what} ${next.name || newKey}.` : `Saved ${ed.what} ${next.name || newKey}.`);
    await this.refresh();
    if (ed.what === 'node') await this.selectNode(newKey); else await this.selectEdge(newKey);
    if (this.editor) this.editor.heading.focus?.();
  }

  /** failed handles a rejected write: 412 reloads and keeps the input, problems go to fields. */
  async failed(ed, e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 412 || e.status === 409 && /version|changed/i.test(e.detail)) {
      try { await this.refresh(); } catch { /* the message below still stands */ }
      const still = ed.rebase(this.map);
      ed.clearErrors();
      ed.showConflict(still ? CONFLICT_TEXT : `Someone else deleted this ${ed.what} while you were editing. Your input is still in the form; add it again as a new ${ed.what} if you need it.`);
      status('The map was changed by someone else and has been reloaded.', 'warn');
      ed.conflict.focus?.();
      return;
    }
    ed.showConflict('');
    ed.showProblem(e);
    status(e.errors && e.errors.length ? 'Not saved: the form shows what to correct.' : `Not saved: ${e.message}`, 'error');
  }

  async remove(ed) {
    let text;
    if (ed.what === 'node') {
      const attached = this.map.edges.filter((x) => x.from === ed.key || x.to === ed.key);
      text = `"${ed.item.name || ed.key}" will be deleted${attached.length ? `, with its ${attached.length} edge(s)` : ''}.`;
    } else {
      text = `The ${ed.item.kind.replace(/_/g, ' ')} edge from "${nameOf(this.map, ed.item.from)}" to "${nameOf(this.map, ed.item.to)}" will be deleted.`;
    }
    if (!await confirmDialog(`Delete this ${ed.what}?`, text)) return;
    try {
      // The server deletes a node's edges with it, in one change set.
      const res = await request(`${this.base()}/${ed.what}s/${enc(ed.key)}`, { method: 'DELETE', ifMatch: this.version });
      if (res.version) this.version = res.version;
    } catch (e) {
      await this.failed(ed, e);
      return;
    }
    ed.dirty = false;
    status(`Deleted the ${ed.what}.`);
    this.idle();
    await this.refresh();
    this.idle();
  }

  exportURL(ext, kind) {
    if (kind === 'diagram') return this.diagramURL(ext, true);
    if (kind === 'deck') return `/api/v1${this.base()}/deck.${ext}?${deckParamsOf(this.opts)}`;
    return `/api/v1${this.base()}/export.${ext}`;
  }

  fileName(ext, kind) { return kind === 'deck' ? `${this.id}-deck.${ext}` : `${this.id}.${ext}`; }

  /** updateExports points the export links at the current view. */
  updateExports() {
    for (const a of this.exportMenu.querySelectorAll('a[data-ext]')) a.href = this.exportURL(a.dataset.ext, a.dataset.kind);
  }

  exportClick(ev, ext, kind) {
    const url = this.exportURL(ext, kind);
    if (!token()) { // a plain link: the browser downloads it
      ev.currentTarget.href = url;
      this.exportMenu.open = false;
      return;
    }
    ev.preventDefault();
    this.exportMenu.open = false;
    download(url, this.fileName(ext, kind)).catch((e) => status(`Export failed: ${e.message}`, 'error'));
  }
}

function nameOf(map, id) { return map.nodes.find((n) => n.id === id)?.name || id; }

function optsFrom(params) {
  const pick = (list, key, dflt) => (list.some(([v]) => v === params.get(key)) ? params.get(key) : dflt);
  const yes = (key) => params.get(key) === 'true' || params.get(key) === '1';
  return {
    view: pick(VIEWS, 'view', 'full'), focus: params.get('focus') || '', color: pick(COLORS, 'color', 'kind'),
    detail: yes('detail'), figures: yes('figures'), weak: yes('weak_spots'), fade: yes('fade'), flow: yes('flow'), insights: params.get('insights') > 0, without: params.get('without') || '',
    theme: pick(THEMES, 'theme', 'default'), page: pick(PAGES, 'page', '16:9'), ...slideOptsFrom(params),
  };
}

/** deckParamsOf gives the deck the page's theme, page, what-if, footer and smallest text. */
function deckParamsOf(o) {
  const q = new URLSearchParams();
  if (o.without) q.set('without', o.without);
  if (o.theme !== 'default') q.set('theme', o.theme);
  if (o.page !== '16:9' && o.page !== 'none') q.set('page', o.page);
  if (o.footer) q.set('footer', o.footer);
  if (o.minFont !== MIN_FONT.dflt) q.set('min_font', String(o.minFont));
  return q;
}

function paramsOf(o) {
  const q = new URLSearchParams({ view: o.view, color: o.color });
  if (o.view === 'focus' && o.focus) q.set('focus', o.focus);
  if (o.detail) q.set('detail', 'true');
  if (o.figures) q.set('figures', 'true');
  if (o.weak) q.set('weak_spots', 'true');
  if (o.fade && o.view === 'focus') q.set('fade', 'true');
  if (o.flow) q.set('flow', 'true');
  if (o.insights) q.set('insights', '5');
  if (o.without) q.set('without', o.without);
  if (o.theme !== 'default') q.set('theme', o.theme);
  if (o.page !== '16:9') q.set('page', o.page);
  return slideParams(q, o);
}
