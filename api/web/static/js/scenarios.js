// The scenarios panel in a map's side column. On a map: its scenarios
// (stale ones marked), a form to fork a new one, and merge and drop for
// each. On a scenario (id MAP--scenario--NAME): what it changes, whether its
// base moved since the fork, and merge and drop. The panel mounts itself
// whenever a map view appears in the page, so the map view needs no hook.

import { h, replace, status, confirmDialog } from './dom.js';
import { request, enc, ApiError } from './api.js';

const SEP = '--scenario--';

/** mapIDFromHash reads the open map's id from #/maps/ID?..., or ''. */
function mapIDFromHash() {
  const m = location.hash.replace(/^#/, '').split('?')[0].match(/^\/maps\/([^/]+)\/?$/);
  if (!m) return '';
  try { return decodeURIComponent(m[1]); } catch { return ''; }
}

/** splitScenario gives {base, name} of a scenario's map id, or null. */
function splitScenario(id) {
  const i = id.indexOf(SEP);
  if (i <= 0) return null;
  return { base: id.slice(0, i), name: id.slice(i + SEP.length) };
}

function errorText(e) {
  if (e instanceof ApiError && e.status === 403) return 'Your token does not allow this (the editor role is needed).';
  return e.message;
}

class ScenarioPanel {
  constructor(side, id) {
    this.id = id;
    this.scenario = splitScenario(id);
    this.body = h('div', { id: 'scenarios-body' }, h('p', null, 'Loading…'));
    this.msg = h('div', { id: 'scenarios-msg', role: 'status', 'aria-live': 'polite' });
    this.el = h('details', { id: 'scenarios', class: 'panel', open: true },
      h('summary', null, h('h2', null, this.scenario ? 'Scenario' : 'Scenarios')), this.msg, this.body);
    side.append(this.el);
    this.load();
  }

  base() { return this.scenario ? this.scenario.base : this.id; }

  scenarioPath(name) { return `/maps/${enc(this.base())}/scenarios/${enc(name)}`; }

  say(text, kind = 'info') {
    replace(this.msg, text ? h('p', { class: kind === 'error' ? 'notice error' : 'notice' }, text) : null);
  }

  async load() {
    try {
      if (this.scenario) await this.showScenario();
      else await this.showList();
    } catch (e) {
      if (this.scenario && e instanceof ApiError && (e.status === 404 || e.status === 409)) {
        this.el.remove(); // a map whose id merely looks like a scenario's
        return;
      }
      replace(this.body, h('p', { class: 'notice error' }, `Could not load the scenarios: ${errorText(e)}`));
    }
  }

  async showList() {
    const { data } = await request(`/maps/${enc(this.id)}/scenarios`);
    const list = data.scenarios || [];
    const nameId = 'scenario-name';
    const input = h('input', { id: nameId, name: 'name', required: true, pattern: '[a-z0-9][a-z0-9_\\-]*', placeholder: 'price-cut', autocomplete: 'off' });
    const form = h('form', { id: 'scenario-create', class: 'scenario-create', onsubmit: (ev) => { ev.preventDefault(); this.create(input.value.trim()); } },
      h('label', { for: nameId }, 'New scenario (a name: lower-case letters, digits, - and _)'),
      input, h('button', { type: 'submit', class: 'primary' }, 'Fork this map'));
    const rows = list.map((s) => h('tr', { dataset: { name: s.name } },
      h('th', { scope: 'row' }, h('a', { href: `#/maps/${enc(s.id)}` }, s.name)),
      h('td', null, s.stale ? h('strong', { class: 'stale', title: `forked from version ${s.base_version}; the map is at ${s.base_current}` }, 'stale') : 'current'),
      h('td', null,
        h('button', { type: 'button', class: 'merge', onclick: () => this.merge(s.name) }, 'Merge'), ' ',
        h('button', { type: 'button', class: 'drop', onclick: () => this.drop(s.name) }, 'Drop'))));
    replace(this.body,
      list.length
        ? h('table', { class: 'figures scenarios' }, h('caption', null, 'What-ifs forked from this map'),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Scenario'), h('th', { scope: 'col' }, 'Base'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
          h('tbody', null, rows))
        : h('p', null, 'No scenarios yet. Fork the map to try a what-if without changing it.'),
      form);
  }

  async showScenario() {
    const { name, base } = this.scenario;
    const { data: s } = await request(this.scenarioPath(name));
    const c = s.changes || {};
    const own = `${c.nodes_added || 0} nodes added, ${c.nodes_removed || 0} removed, ${c.nodes_changed || 0} changed; `
      + `${c.edges_added || 0} edges added, ${c.edges_removed || 0} removed, ${c.edges_changed || 0} changed`;
    const baseLink = h('a', { href: `#/maps/${enc(base)}` }, base);
    const parts = [
      h('p', null, 'Scenario ', h('strong', null, name), ' of ', baseLink, `, forked from version ${s.base_version}.`),
      h('p', { id: 'scenario-own' }, `Its changes: ${own}.`),
    ];
    if (s.stale) {
      const bc = s.base_changes || {};
      const items = [...(bc.nodes || []).map((n) => `${n.status} node ${n.name || n.id}`),
        ...(bc.edges || []).map((e) => `${e.status} edge ${e.key}`), ...(bc.map || []).map((f) => `changed map field ${f.field}`)];
      parts.push(h('div', { class: 'notice warn', id: 'scenario-stale' },
        h('p', null, `Stale: ${base} is at version ${s.base_current}. Its changes since the fork:`),
        h('ul', null, items.slice(0, 20).map((t) => h('li', null, t)), items.length > 20 ? h('li', null, `and ${items.length - 20} more`) : null)));
    } else {
      parts.push(h('p', null, `${base} has not changed since the fork.`));
    }
    parts.push(h('p', null,
      h('button', { type: 'button', class: 'primary merge', onclick: () => this.merge(name) }, `Merge into ${base}`), ' ',
      h('button', { type: 'button', class: 'drop', onclick: () => this.drop(name) }, 'Drop')));
    replace(this.body, parts);
  }

  async create(name) {
    if (!name) return;
    try {
      const { data } = await request(`/maps/${enc(this.id)}/scenarios`, { method: 'POST', body: { name } });
      status(`Scenario ${data.name} created.`);
      location.hash = `#/maps/${enc(data.id)}`;
    } catch (e) {
      this.say(`Could not create the scenario: ${errorText(e)}`, 'error');
    }
  }

  async merge(name, force = false) {
    const base = this.base();
    if (!force && !await confirmDialog(`Merge scenario ${name}?`,
      `Its changes are applied to ${base} as one new version, and the scenario is dropped.`, 'Merge')) return;
    try {
      const { data } = await request(`${this.scenarioPath(name)}/merge`, { method: 'POST', body: force ? { force: true } : {} });
      status(`Scenario ${name} merged into ${base} (version ${data.version}).`);
      // Show the merged map: from a scenario, open the base (a fresh view);
      // on the base itself, load the page again.
      if (this.scenario) location.hash = `#/maps/${enc(base)}`;
      else window.location.reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.type.endsWith(':merge-conflict')) {
        replace(this.msg, h('div', { class: 'notice error', id: 'scenario-conflicts' },
          h('p', null, `${base} and the scenario changed the same places since the fork; nothing was merged.`),
          h('ul', null, e.errors.map((c) => h('li', null, c.message))),
          h('button', { type: 'button', class: 'danger', onclick: () => this.merge(name, true) }, 'Merge anyway (the scenario wins)')));
        return;
      }
      this.say(`Could not merge: ${errorText(e)}`, 'error');
    }
  }

  async drop(name) {
    if (!await confirmDialog(`Drop scenario ${name}?`, 'It is kept as a deleted map for 30 days and can be undeleted.', 'Drop')) return;
    try {
      await request(this.scenarioPath(name), { method: 'DELETE' });
      status(`Scenario ${name} dropped.`);
      if (this.scenario) location.hash = `#/maps/${enc(this.base())}`;
      else this.load();
    } catch (e) {
      this.say(`Could not drop: ${errorText(e)}`, 'error');
    }
  }
}

// Mount the panel whenever a map view's side column appears (a new map
// view replaces the whole page, and with it any panel).
const main = document.getElementById('main');
if (main) {
  new MutationObserver(() => {
    const side = main.querySelector('aside.side');
    if (!side || side.querySelector('#scenarios')) return;
    const id = mapIDFromHash();
    if (id) new ScenarioPanel(side, id); // eslint-disable-line no-new
  }).observe(main, { childList: true, subtree: true });
}
