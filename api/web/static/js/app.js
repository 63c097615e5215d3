// The page's entry: a hash router between the map list (#/) and one map
// (#/maps/ID?view=...&focus=...&color=...&detail=true).

import { replace, h } from './dom.js';
import { initTokenButton, request } from './api.js';
import { loadSchema } from './model.js';
import { showList } from './list.js';
import { MapView } from './mapview.js';
import { initHistory, showDeleted } from './history.js';

const main = document.getElementById('main');
const crumbs = document.getElementById('crumbs');
let current = null;

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  const m = path.match(/^\/maps\/([^/]+)\/?$/);
  if (m) {
    const id = decodeURIComponent(m[1]);
    if (current && current.id === id && main.contains(current.heading)) {
      current.follow(params);
      return;
    }
    current = new MapView(main, crumbs, id, params);
    current.open();
    return;
  }
  current = null;
  if (path === '/deleted') {
    showDeleted(main, crumbs);
    return;
  }
  if (path === '/' || path === '') {
    showList(main, crumbs);
    return;
  }
  replace(main, h('div', { class: 'page' }, h('h1', null, 'Not found'), h('p', null, h('a', { href: '#/' }, 'Back to the maps'))));
}

initTokenButton();
initHistory();
// The forms are built from the server's field table: read it first.
loadSchema(request).then(() => {
  window.addEventListener('hashchange', route);
  route();
}, (err) => {
  replace(main, h('div', { class: 'page' }, h('h1', null, 'The server did not answer'),
    h('p', null, `The field table could not be read: ${err.message}. Reload the page to try again.`)));
});
