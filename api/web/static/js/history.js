// The history of a map on the page: its versions newest first (time,
// author, message), paged; a compare view between any two versions (the
// list of what changed and the drawing of it, before, after or both); and
// restore to a version (editors; the API answers 403 to viewers). Also the
// list of deleted maps with undelete (#/deleted).

import { h, replace, status, confirmDialog, fmtCompact } from './dom.js';
import { request, enc, ApiError } from './api.js';

const PAGE = 20;
const SIDES = [['both', 'What changed'], ['before', 'Before'], ['after', 'After']];
const MARK = { added: '+', removed: '−', changed: '~' };

function when(t) {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toLocaleString();
}

function why(e) {
  if (e instanceof ApiError && e.status === 403) return 'Your token does not allow this: restoring and undeleting need the editor role.';
  return e.message;
}

/**
 * HistoryPanel is the history of the map open in view (a MapView): a
 * collapsible panel for the side column. view.refresh() is called after a
 * restore.
 */
export class HistoryPanel {
  constructor(view) {
    this.view = view;
    this.versions = [];
    this.next = 0;
    this.loaded = false;
    this.list = h('ol', { id: 'history-list', class: 'history-list', reversed: true });
    this.more = h('button', { type: 'button', id: 'history-more', hidden: true, onclick: () => this.load(this.next) }, 'Older versions');
    this.fromSel = h('select', { id: 'compare-from' });
    this.toSel = h('select', { id: 'compare-to' });
    this.sideSel = h('select', { id: 'compare-side', onchange: () => this.drawDiff() },
      SIDES.map(([v, t]) => h('option', { value: v }, t)));
    this.compareBody = h('div', { id: 'compare-body', class: 'compare-body' });
    // The compare view takes the whole window: a drawing needs the room.
    this.dialog = h('dialog', { id: 'compare-dialog', class: 'compare-dialog', 'aria-labelledby': 'compare-title' },
      h('div', { class: 'compare-top' }, h('h2', { id: 'compare-title' }, 'Compare versions'),
        h('button', { type: 'button', id: 'compare-close', onclick: () => this.dialog.close() }, 'Close')),
      this.compareBody);
    this.compareForm = h('form', { id: 'compare-form', class: 'compare-form', onsubmit: (ev) => { ev.preventDefault(); this.compare(); } },
      h('label', { for: 'compare-from' }, 'Compare'), this.fromSel,
      h('label', { for: 'compare-to' }, 'with'), this.toSel,
      h('button', { type: 'submit', id: 'compare-button' }, 'Compare'));
    this.el = h('details', { id: 'history', class: 'panel history', ontoggle: () => { if (this.el.open && !this.loaded) this.load(0); } },
      h('summary', null, h('h2', null, 'History')),
      this.list, this.more, this.compareForm, this.dialog);
  }

  /** reset forgets the versions read (the map changed) and reads them again when open. */
  reset() {
    this.versions = [];
    this.next = 0;
    this.loaded = false;
    replace(this.list);
    if (this.el.open) this.load(0);
  }

  async load(before) {
    this.loaded = true;
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (before) q.set('before', String(before));
    let page;
    try {
      page = (await request(`/maps/${enc(this.view.id)}/versions?${q}`)).data;
    } catch (e) {
      replace(this.list, h('li', { class: 'notice error', role: 'alert' }, `Could not read the history: ${e.message}`));
      return;
    }
    if (!before) {
      this.versions = [];
      replace(this.list);
    }
    this.versions.push(...page.versions);
    this.next = page.next || 0;
    this.more.hidden = !this.next;
    for (const v of page.versions) this.list.append(this.row(v));
    this.fillSelects();
  }

  row(v) {
    const current = String(v.version) === String(this.view.version);
    return h('li', { class: 'history-row', dataset: { version: String(v.version) } },
      h('div', { class: 'history-head' },
        h('strong', null, `Version ${v.version}`), current ? h('span', { class: 'badge' }, 'current') : null,
        h('span', { class: 'muted' }, ` · ${when(v.time)} · ${v.author || 'unknown'}`)),
      v.message ? h('div', { class: 'history-msg' }, v.message) : null,
      h('div', { class: 'history-meta muted' }, `${v.changes} change${v.changes === 1 ? '' : 's'} · ${v.nodes} nodes · ${v.edges} edges`),
      h('div', { class: 'history-actions' },
        h('button', { type: 'button', class: 'quiet compare-prev', disabled: v.version <= 1, onclick: () => this.compareWith(v.version - 1, v.version) }, 'What changed'),
        current ? null : h('button', { type: 'button', class: 'quiet restore', onclick: () => this.restore(v.version) }, 'Restore')));
  }

  fillSelects() {
    const opts = (sel, value) => {
      const keep = sel.value || value;
      replace(sel, this.versions.map((v) => h('option', { value: String(v.version) }, `version ${v.version}`)));
      if (keep && this.versions.some((v) => String(v.version) === String(keep))) sel.value = String(keep);
    };
    const newest = this.versions[0]?.version;
    opts(this.toSel, newest);
    opts(this.fromSel, this.versions[1]?.version ?? newest);
  }

  compareWith(from, to) {
    if (!this.versions.some((v) => v.version === from)) {
      this.fromSel.append(h('option', { value: String(from) }, `version ${from}`));
    }
    this.fromSel.value = String(from);
    this.toSel.value = String(to);
    this.compare();
  }

  diffQuery() {
    return new URLSearchParams({ from: this.fromSel.value, to: this.toSel.value });
  }

  async compare() {
    const q = this.diffQuery();
    this.diagramBox = h('div', { id: 'compare-diagram', class: 'compare-diagram' }, h('p', null, 'Drawing…'));
    const list = h('div', { id: 'compare-list', class: 'compare-list' }, h('p', null, 'Comparing…'));
    replace(this.compareBody, h('div', { class: 'compare-bar' }, h('h3', null, `From version ${q.get('from')} to version ${q.get('to')}`),
      h('span', { class: 'ctl' }, h('label', { for: 'compare-side' }, 'Draw'), this.sideSel)),
    h('div', { class: 'compare-cols' }, this.diagramBox, list));
    if (!this.dialog.open) this.dialog.showModal();
    this.drawDiff();
    try {
      const d = (await request(`/maps/${enc(this.view.id)}/diff?${q}`)).data;
      replace(list, diffList(d, this.view.map?.currency));
    } catch (e) {
      replace(list, h('p', { class: 'notice error', role: 'alert' }, `Could not compare: ${e.message}`));
    }
  }

  /** drawDiff shows the drawing of the change (one side of it) as an image: no script of it runs. */
  async drawDiff() {
    if (!this.diagramBox) return;
    const q = this.diffQuery();
    q.set('side', this.sideSel.value);
    const box = this.diagramBox;
    try {
      const { data } = await request(`/maps/${enc(this.view.id)}/diff/diagram.svg?${q}`, { as: 'blob' });
      if (this.img) URL.revokeObjectURL(this.img);
      this.img = URL.createObjectURL(data);
      replace(box, h('img', { src: this.img, id: 'compare-image', alt: `The change from version ${q.get('from')} to ${q.get('to')}, drawn (${this.sideSel.value})` }));
    } catch (e) {
      replace(box, h('p', { class: 'notice error', role: 'alert' }, `Could not draw the change: ${e.message}`));
    }
  }

  async restore(version) {
    const ok = await confirmDialog(`Restore version ${version}?`,
      `The map becomes what it was at version ${version}, as a new version. Nothing is lost: the versions in between stay in the history.`, 'Restore');
    if (!ok) return;
    try {
      const res = await request(`/maps/${enc(this.view.id)}/restore`, { method: 'POST', body: { version }, ifMatch: this.view.version });
      status(`Restored version ${version} as version ${res.data.version}.`);
    } catch (e) {
      status(`Could not restore: ${why(e)}`, 'error');
      return;
    }
    await this.view.refresh();
    this.reset();
  }
}

/** diffList lists a diff (GET /maps/{map}/diff) for people. */
export function diffList(d, currency) {
  if (d.same) return h('p', null, 'No differences.');
  const c = d.counts || {};
  const items = [];
  for (const f of d.map || []) items.push(h('li', null, `~ map ${f.field}: ${show(f.before)} → ${show(f.after)}`));
  for (const n of d.nodes || []) {
    items.push(h('li', { class: `diff-${n.status}`, dataset: { node: n.id } }, `${MARK[n.status]} ${n.name || n.id} (${n.kind})`,
      n.fields?.length ? h('ul', null, n.fields.map((f) => h('li', null, `${f.field}: ${show(f.before)} → ${show(f.after)}`))) : null));
  }
  for (const e of d.edges || []) {
    items.push(h('li', { class: `diff-${e.status}`, dataset: { edge: e.key } }, `${MARK[e.status]} ${e.from} → ${e.to} (${e.kind})`,
      e.fields?.length ? h('ul', null, e.fields.map((f) => h('li', null, `${f.field}: ${show(f.before)} → ${show(f.after)}`))) : null));
  }
  const parts = [h('p', { class: 'diff-counts' }, `Nodes: ${c.nodes_added || 0} added, ${c.nodes_removed || 0} removed, ${c.nodes_changed || 0} changed. `
    + `Edges: ${c.edges_added || 0} added, ${c.edges_removed || 0} removed, ${c.edges_changed || 0} changed.`),
  h('ul', { class: 'diff-items' }, items)];
  if (d.figures?.length) {
    parts.push(h('table', { class: 'diff-figures' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Segment'), h('th', { scope: 'col' }, 'Net revenue'), h('th', { scope: 'col' }, 'Profit'), h('th', { scope: 'col' }, 'Tier'))),
      h('tbody', null, d.figures.map((f) => h('tr', null, h('th', { scope: 'row' }, f.id),
        h('td', null, `${fmtCompact(f.before.net_revenue, currency)} → ${fmtCompact(f.after.net_revenue, currency)}`),
        h('td', null, `${fmtCompact(f.before.profit, currency)} → ${fmtCompact(f.after.profit, currency)}`),
        h('td', null, `${f.before.tier || '—'} → ${f.after.tier || '—'}`))))));
  }
  if (d.insights?.length) {
    parts.push(h('h4', null, 'Findings that appeared or went away'),
      h('ul', { class: 'diff-insights' }, d.insights.map((i) => h('li', { class: `diff-${i.status}` },
        `${i.status === 'added' ? 'New' : 'Gone'}: ${i.headline}`))));
  }
  for (const w of d.warnings || []) parts.push(h('p', { class: 'notice' }, w));
  return parts;
}

function show(v) {
  if (v === null || v === undefined) return '(none)';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** showDeleted lists the deleted maps with undelete (#/deleted). */
export async function showDeleted(main, crumbs) {
  replace(crumbs, h('a', { href: '#/' }, 'Maps'), ' / ', h('span', { 'aria-current': 'page' }, 'Deleted maps'));
  const body = h('div', { id: 'deleted-list' }, h('p', null, 'Loading…'));
  replace(main, h('div', { class: 'page' }, h('h1', null, 'Deleted maps'),
    h('p', null, 'Deleted maps are kept for a while with their whole history; undelete brings one back as a new version.'), body));
  let list;
  try {
    list = (await request('/deleted')).data || [];
  } catch (e) {
    replace(body, h('p', { class: 'notice error', role: 'alert' }, `Could not list the deleted maps: ${why(e)}`));
    return;
  }
  if (!list.length) {
    replace(body, h('p', null, 'No deleted maps.'));
    return;
  }
  replace(body, h('table', null,
    h('thead', null, h('tr', null, ['Map', 'Title', 'Deleted', 'By', 'Kept until', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, list.map((d) => h('tr', { dataset: { map: d.id } },
      h('td', null, d.id), h('td', null, d.title || ''), h('td', null, when(d.deleted)), h('td', null, d.author || ''),
      h('td', null, when(d.expires)),
      h('td', null, h('button', { type: 'button', class: 'undelete', onclick: (ev) => undelete(d.id, ev.target) }, 'Undelete')))))));
}

async function undelete(id, button) {
  button.disabled = true;
  try {
    const res = await request(`/maps/${enc(id)}/undelete`, { method: 'POST' });
    status(`Undeleted map ${id} as version ${res.data.version}.`);
    location.hash = `#/maps/${enc(id)}`;
  } catch (e) {
    button.disabled = false;
    status(`Could not undelete ${id}: ${why(e)}`, 'error');
  }
}

/** initHistory loads the history's styles and puts a link to the deleted maps in the page's header. */
export function initHistory() {
  document.head.append(h('link', { rel: 'stylesheet', href: 'history.css' }));
  const spacer = document.querySelector('header.top .spacer');
  if (spacer && !document.getElementById('deleted-link')) {
    spacer.after(h('a', { href: '#/deleted', id: 'deleted-link', class: 'header-link' }, 'Deleted maps'));
  }
}
