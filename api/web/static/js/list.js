// The map list: every stored map with its title, counts and last change, a
// form to start a new map and one to import a map file (YAML or JSON).

import { h, replace, status, confirmDialog, uid } from './dom.js';
import { request, enc, ApiError } from './api.js';

/** showList renders the list page into main. */
export async function showList(main, crumbs) {
  replace(crumbs);
  document.title = 'Maps — chanmap';
  const tableBox = h('div', { id: 'map-list', 'aria-busy': 'true' }, h('p', null, 'Loading maps…'));
  replace(main,
    h('div', { class: 'page list-page' },
      h('h1', null, 'Channel maps'),
      tableBox,
      h('div', { class: 'cards' }, newMapForm(), importForm())));
  await loadTable(tableBox);
}

async function loadTable(box) {
  let maps;
  try {
    const { data } = await request('/maps');
    maps = Array.isArray(data) ? data : (data?.maps || data?.items || []);
  } catch (e) {
    replace(box, h('p', { class: 'notice error', role: 'alert' }, `Could not load the maps: ${e.message}`));
    box.removeAttribute('aria-busy');
    return;
  }
  box.removeAttribute('aria-busy');
  if (!maps.length) {
    replace(box, h('p', { class: 'empty' }, 'No maps yet. Start a new one or import a map file below.'));
    return;
  }
  const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  replace(box, h('table', { class: 'maps' },
    h('caption', { class: 'visually-hidden' }, 'Stored maps'),
    h('thead', null, h('tr', null, ['Map', 'Id', 'Nodes', 'Edges', 'Version', 'Last change', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, maps.map((m) => {
      const updated = m.updated ? new Date(m.updated) : null;
      return h('tr', { dataset: { map: m.id } },
        h('th', { scope: 'row' }, h('a', { href: `#/maps/${enc(m.id)}`, class: 'map-link' }, m.title || m.id)),
        h('td', null, h('code', null, m.id)),
        h('td', { class: 'num' }, m.nodes ?? '—'),
        h('td', { class: 'num' }, m.edges ?? '—'),
        h('td', { class: 'num' }, m.version ?? '—'),
        h('td', null, updated && !Number.isNaN(updated.getTime()) && updated.getFullYear() > 1 ? h('time', { datetime: m.updated }, fmt.format(updated)) : '—'),
        h('td', null, h('button', {
          type: 'button', class: 'quiet danger-text', 'aria-label': `Delete map ${m.title || m.id}`,
          onclick: async () => {
            if (!await confirmDialog('Delete this map?', `"${m.title || m.id}" and all its nodes and edges will be deleted.`)) return;
            try {
              await request(`/maps/${enc(m.id)}`, { method: 'DELETE', ifMatch: m.version });
              status(`Deleted ${m.title || m.id}.`);
              await loadTable(box);
            } catch (e) { status(`Could not delete: ${e.message}`, 'error'); }
          },
        }, 'Delete')));
    }))));
}

function newMapForm() {
  const idIn = uid('new-id'); const titleIn = uid('new-title'); const curIn = uid('new-cur');
  const err = h('p', { class: 'notice error', role: 'alert', hidden: true });
  const form = h('form', {
    class: 'card', id: 'new-map', 'aria-labelledby': 'new-map-h', novalidate: true,
    onsubmit: async (ev) => {
      ev.preventDefault();
      err.hidden = true;
      const fd = new FormData(form);
      const id = String(fd.get('id')).trim();
      if (!/^[a-z0-9][a-z0-9_-]*$/.test(id)) {
        showErr(err, 'The id must start with a lower-case letter or digit and use only a-z, 0-9, - and _.');
        form.elements.id.focus();
        return;
      }
      const body = { id, title: String(fd.get('title')).trim(), currency: String(fd.get('currency')).trim().toUpperCase() || undefined, nodes: [], edges: [] };
      try {
        await request('/maps', { method: 'POST', body });
        location.hash = `#/maps/${enc(id)}`;
      } catch (e) { showErr(err, problemText(e)); }
    },
  },
  h('h2', { id: 'new-map-h' }, 'New map'),
  h('label', { for: idIn }, 'Id'), h('input', { id: idIn, name: 'id', required: true, pattern: '[a-z0-9][a-z0-9_\\-]*', autocomplete: 'off', placeholder: 'acme-pumps' }),
  h('label', { for: titleIn }, 'Title'), h('input', { id: titleIn, name: 'title', autocomplete: 'off', placeholder: 'ACME Pumps - channel map 2026' }),
  h('label', { for: curIn }, 'Currency'), h('input', { id: curIn, name: 'currency', value: 'EUR', maxlength: 3, size: 4, autocomplete: 'off' }),
  err,
  h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Create map')));
  return form;
}

function importForm() {
  const fileIn = uid('import-file');
  const err = h('div', { class: 'notice error', role: 'alert', hidden: true });
  const form = h('form', {
    class: 'card', id: 'import-map', 'aria-labelledby': 'import-h',
    onsubmit: async (ev) => {
      ev.preventDefault();
      err.hidden = true;
      const file = form.elements.file.files[0];
      if (!file) { showErr(err, 'Choose a map file first.'); return; }
      const text = await file.text();
      const json = /\.json$/i.test(file.name) || /^\s*[{[]/.test(text);
      try {
        const { data } = await request('/maps', { method: 'POST', body: text, contentType: json ? 'application/json' : 'application/yaml' });
        const id = data?.id || idFromText(text);
        status(`Imported ${file.name}.`);
        location.hash = id ? `#/maps/${enc(id)}` : '#/';
        if (!id) window.dispatchEvent(new HashChangeEvent('hashchange'));
      } catch (e) { showErr(err, problemText(e), e); }
    },
  },
  h('h2', { id: 'import-h' }, 'Import a map file'),
  h('p', { class: 'hint' }, 'A chanmap map file in YAML or JSON (format v1).'),
  h('label', { for: fileIn }, 'Map file'),
  h('input', { id: fileIn, name: 'file', type: 'file', accept: '.yaml,.yml,.json,application/json,application/yaml,text/yaml' }),
  err,
  h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Import')));
  return form;
}

function idFromText(text) {
  const m = text.match(/^id:\s*["']?([a-z0-9][a-z0-9_-]*)/m) || text.match(/"id"\s*:\s*"([a-z0-9][a-z0-9_-]*)"/);
  return m ? m[1] : null;
}

function problemText(e) {
  if (e instanceof ApiError && e.status === 409) return `A map with that id exists already. ${e.detail}`;
  return e.message;
}

function showErr(box, text, e) {
  const lines = e instanceof ApiError ? e.errors.map((x) => `${x.line ? `line ${x.line}: ` : ''}${x.pointer ? `${x.pointer}: ` : ''}${x.message}${x.value ? ` (value "${x.value}")` : ''}`) : [];
  replace(box, h('p', null, text), lines.length ? h('ul', null, lines.map((l) => h('li', null, l))) : null);
  box.hidden = false;
}
