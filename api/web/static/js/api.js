// The page's client for chanmap's REST API: JSON in and out, the map version
// carried in ETag/If-Match, problem+json errors turned into ApiError, and the
// access token (asked for once on 401, kept in sessionStorage for the tab).

const TOKEN_KEY = 'chanmap.token';
export const BASE = '/api/v1';

/** ApiError is a failed request, with the problem document's fields. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.type = problem.type || '';
    this.title = problem.title || '';
    this.detail = problem.detail || '';
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

export function token() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}

function setToken(t) {
  try {
    if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled: the token lives until the page reloads */ memToken = t; }
  const b = document.getElementById('token-button');
  if (b) b.hidden = !t;
}
let memToken = '';

function currentToken() { return token() || memToken; }

let asking = null;
/**
 * askToken shows the token dialog and resolves to the token entered, or ''
 * when the user cancels. Concurrent callers share one dialog.
 */
export function askToken(reason) {
  if (asking) return asking;
  const dlg = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  const why = document.getElementById('token-why');
  if (reason) why.textContent = reason;
  input.value = '';
  asking = new Promise((resolve) => {
    const cancel = document.getElementById('token-cancel');
    const onCancel = () => { dlg.close('cancel'); };
    cancel.addEventListener('click', onCancel, { once: true });
    dlg.addEventListener('close', () => {
      cancel.removeEventListener('click', onCancel);
      const t = dlg.returnValue === 'ok' ? input.value.trim() : '';
      if (t) setToken(t);
      asking = null;
      resolve(t);
    }, { once: true });
    dlg.returnValue = '';
    dlg.showModal();
    input.focus();
  });
  return asking;
}

/** versionOf reads the map version from an ETag header ("7" or W/"7"). */
export function versionOf(etag) {
  if (!etag) return null;
  return etag.replace(/^W\//, '').replace(/"/g, '');
}

/**
 * request calls the API. opts: method, body (object -> JSON, string/Blob as
 * is), contentType, ifMatch (a version), as ('json' | 'text' | 'blob').
 * It resolves to {status, version, data} and rejects with ApiError.
 */
export async function request(path, opts = {}) {
  const url = path.startsWith('/') && !path.startsWith(BASE) && !path.startsWith('/api/') ? BASE + path : path;
  let asks = 0;
  for (;;) {
    const headers = { Accept: opts.as === 'text' || opts.as === 'blob' ? '*/*' : 'application/json, application/problem+json' };
    const t = currentToken();
    if (t) headers.Authorization = `Bearer ${t}`;
    if (opts.ifMatch !== undefined && opts.ifMatch !== null) headers['If-Match'] = `"${opts.ifMatch}"`;
    let body = opts.body;
    if (body !== undefined && !(typeof body === 'string') && !(body instanceof Blob)) {
      body = JSON.stringify(body);
      headers['Content-Type'] = opts.contentType || 'application/json';
    } else if (body !== undefined) {
      headers['Content-Type'] = opts.contentType || 'application/json';
    }
    let res;
    try {
      res = await fetch(url, { method: opts.method || 'GET', headers, body, cache: 'no-store' });
    } catch (e) {
      throw new ApiError(0, { title: 'Network error', detail: `Could not reach the server (${e.message}).` });
    }
    if (res.status === 401 && asks < 3) { // a mistyped token may be corrected
      asks += 1;
      const got = await askToken(t ? 'The token was not accepted. Enter another one.' : undefined);
      if (got) continue;
    }
    const version = versionOf(res.headers.get('ETag'));
    if (!res.ok) {
      throw new ApiError(res.status, await problemOf(res));
    }
    let data = null;
    if (res.status !== 204) {
      if (opts.as === 'text') data = await res.text();
      else if (opts.as === 'blob') data = await res.blob();
      else {
        const text = await res.text();
        data = text ? JSON.parse(text) : null;
      }
    }
    return { status: res.status, version, data, headers: res.headers };
  }
}

async function problemOf(res) {
  const text = await res.text().catch(() => '');
  const ct = res.headers.get('Content-Type') || '';
  if (ct.includes('json') && text) {
    try {
      const p = JSON.parse(text);
      if (p && typeof p === 'object') return typeof p.message === 'string' && !p.detail ? { ...p, detail: p.message } : p;
    } catch { /* fall through */ }
  }
  const messages = {
    401: 'An access token is needed.', 403: 'Your token does not allow this.', 404: 'Not found.',
    412: 'The map changed since it was loaded.', 428: 'The request needs the map version.',
  };
  return { title: res.statusText || `HTTP ${res.status}`, detail: messages[res.status] || text.slice(0, 300) };
}

/** download fetches url with the token and saves it under the server's file name (or fallback). */
export async function download(url, fallback) {
  const { data, headers } = await request(url, { as: 'blob' });
  const cd = headers.get('Content-Disposition') || '';
  const m = cd.match(/filename\*=UTF-8''([^;]+)/i) || cd.match(/filename="?([^";]+)"?/i);
  let name = fallback;
  if (m) {
    try { name = decodeURIComponent(m[1]); } catch { name = m[1]; }
  }
  const href = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = href;
  a.download = name.replace(/[\\/]/g, '_');
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10000);
}

/** enc escapes one path segment. */
export const enc = encodeURIComponent;

export function initTokenButton() {
  const b = document.getElementById('token-button');
  b.hidden = !currentToken();
  b.addEventListener('click', async () => {
    setToken('');
    await askToken('Enter the access token to use from now on in this tab.');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
}
