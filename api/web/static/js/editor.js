// The side-panel form that edits one node or edge: fields by kind, values
// read back into the graph.Node / graph.Edge JSON shape, the JSON merge patch
// against what was loaded, and the server's problems shown next to fields.

import { h, uid, replace } from './dom.js';
import { NODE_FIELDS, EDGE_FIELDS, EDGE_KINDS, label, allows, edgeKey, isIntermediary } from './model.js';

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a); const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}

/** mergePatch is the RFC 7396 JSON merge patch that turns orig into next. */
export function mergePatch(orig, next) {
  const patch = {};
  for (const k of Object.keys(orig)) if (!(k in next)) patch[k] = null;
  for (const [k, v] of Object.entries(next)) {
    const o = orig[k];
    if (isObj(o) && isObj(v)) {
      const p = mergePatch(o, v);
      if (Object.keys(p).length) patch[k] = p;
    } else if (!deepEqual(o, v)) {
      patch[k] = v;
    }
  }
  return patch;
}

/**
 * Editor is the form for one node or edge. what is 'node' or 'edge'; item is
 * the loaded object (null for a new one). Callbacks: onSave(editor),
 * onDelete(editor), onClose().
 */
export class Editor {
  constructor({ what, map, item, onSave, onDelete, onClose }) {
    this.what = what;
    this.map = map;
    this.item = item ? structuredClone(item) : null;
    this.isNew = !item;
    this.key = item ? (what === 'edge' ? edgeKey(item) : item.id) : null;
    this.onSave = onSave;
    this.onDelete = onDelete;
    this.onClose = onClose;
    this.fields = [];
    this.pickTarget = 'from';
    this.build();
  }

  get specs() { return this.what === 'node' ? NODE_FIELDS : EDGE_FIELDS; }

  title() {
    if (this.isNew) return this.what === 'node' ? 'New node' : 'New edge';
    if (this.what === 'node') return `Edit ${this.item.name || this.item.id}`;
    const name = (id) => this.map.nodes.find((n) => n.id === id)?.name || id;
    return `Edit ${this.item.kind.replace(/_/g, ' ')}: ${name(this.item.from)} → ${name(this.item.to)}`;
  }

  build() {
    const titleId = uid('ed-title');
    this.heading = h('h2', { id: titleId, tabindex: '-1' }, this.title());
    this.conflict = h('div', { class: 'notice warn', role: 'alert', hidden: true });
    this.general = h('div', { class: 'notice error', role: 'alert', hidden: true });
    this.pickHint = h('p', { class: 'hint pick-hint', hidden: true });
    const body = h('div', { class: 'fields' });
    for (const spec of this.specs) {
      const f = this.buildField(spec);
      this.fields.push(f);
      body.append(f.wrap);
    }
    const save = h('button', { type: 'submit', class: 'primary', id: 'editor-save' }, this.isNew ? 'Add' : 'Save');
    const del = this.isNew ? null : h('button', { type: 'button', class: 'danger', id: 'editor-delete', onclick: () => this.onDelete(this) }, 'Delete');
    const close = h('button', { type: 'button', id: 'editor-close', onclick: () => this.onClose() }, this.isNew ? 'Cancel' : 'Close');
    this.form = h('form', {
      class: `editor editor-${this.what}`, 'aria-labelledby': titleId, novalidate: true, id: 'editor',
      onsubmit: (ev) => { ev.preventDefault(); this.submit(); },
    }, this.heading, this.conflict, this.general, this.pickHint, body, h('div', { class: 'buttons' }, save, del, close));
    this.dirty = false; // typed into since loaded or saved
    this.form.addEventListener('input', () => { this.dirty = true; });
    this.form.addEventListener('change', (ev) => {
      this.dirty = true;
      const n = ev.target.name;
      if (n === 'kind' && ev.isTrusted) this.kindChosen = true;
      if (n === 'from' || n === 'to') this.suggestKind();
      if (n === 'kind' || n === 'from' || n === 'to') this.refreshVisibility();
    });
    this.refreshVisibility();
    if (this.what === 'edge' && this.isNew) this.updatePickHint();
  }

  field(name) { return this.fields.find((f) => f.spec.name === name); }

  buildField(spec) {
    const id = uid(`f-${spec.name}`);
    const errId = `${id}-err`;
    const hintId = `${id}-hint`;
    const err = h('p', { class: 'field-error', id: errId, hidden: true });
    const hint = spec.hint ? h('p', { class: 'hint', id: hintId }, spec.hint) : null;
    const described = [hint ? hintId : null, errId].filter(Boolean).join(' ');
    const orig = this.item ? this.item[spec.name] : undefined;
    const common = { id, name: spec.name, 'aria-describedby': described };
    let input; let get; let set; let control;
    const lab = () => h('label', { for: id }, label(spec.name), spec.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);

    switch (spec.type) {
      case 'text':
      case 'textarea': {
        input = h(spec.type === 'textarea' ? 'textarea' : 'input', {
          ...common, type: spec.type === 'text' ? 'text' : undefined, rows: spec.type === 'textarea' ? 2 : undefined,
          required: !!spec.required, pattern: spec.pattern, autocomplete: 'off',
        });
        if (spec.newOnly && !this.isNew) input.readOnly = true;
        get = () => input.value.trim() || undefined;
        set = (v) => { input.value = v ?? ''; };
        control = [lab(), input];
        break;
      }
      case 'list': {
        input = h('input', { ...common, type: 'text', autocomplete: 'off' });
        get = () => {
          const xs = input.value.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean);
          return xs.length ? xs : undefined;
        };
        set = (v) => { input.value = Array.isArray(v) ? v.join(', ') : (v ?? ''); };
        control = [lab(), input];
        break;
      }
      case 'number':
      case 'money':
      case 'fraction': {
        const attrs = { ...common, type: 'number', inputmode: 'decimal', step: spec.step ?? 'any', min: spec.min };
        if (spec.type === 'fraction') { attrs.min = 0; attrs.max = spec.max ?? 0.9999; attrs.step = 'any'; }
        input = h('input', attrs);
        get = () => {
          const s = input.value.trim();
          if (s === '') {
            if (input.validity.badInput) throw new FieldError(spec.name, 'Enter a number.');
            return undefined;
          }
          const n = Number(s);
          if (!Number.isFinite(n)) throw new FieldError(spec.name, 'Enter a number.');
          return n;
        };
        set = (v) => { input.value = v ?? ''; };
        const cur = this.map.currency;
        const unit = spec.type === 'money' ? h('span', { class: 'unit', 'aria-hidden': 'true' }, cur || '') : null;
        const l = lab();
        if (spec.type === 'money' && cur) l.append(` (${cur})`);
        control = [l, unit ? h('div', { class: 'with-unit' }, input, unit) : input];
        break;
      }
      case 'select':
      case 'nodeselect': {
        input = h('select', { ...common, required: !!spec.required });
        if (spec.type === 'select') {
          if (spec.blank || !spec.required) input.append(h('option', { value: '' }, spec.blank || '(none)'));
          else if (this.isNew) input.append(h('option', { value: '' }, '(choose)'));
          for (const o of spec.options) input.append(h('option', { value: o }, label(o)));
        } else {
          input.append(h('option', { value: '' }, '(choose a node)'));
          for (const n of [...this.map.nodes].sort((a, b) => (a.name || a.id).localeCompare(b.name || b.id))) {
            input.append(h('option', { value: n.id }, `${n.name || n.id} (${n.kind.replace(/_/g, ' ')})`));
          }
        }
        get = () => {
          const v = input.value;
          if (v === '') return undefined;
          return spec.int ? parseInt(v, 10) : v;
        };
        set = (v) => { input.value = v === undefined || v === null ? '' : String(v); };
        control = [lab(), input];
        break;
      }
      case 'checks':
      case 'products': {
        const opts = spec.type === 'checks'
          ? spec.options.map((o) => ({ value: o, text: label(o) }))
          : this.map.nodes.filter((n) => n.kind === 'product').map((n) => ({ value: n.id, text: n.name || n.id }));
        const boxes = opts.map((o) => {
          const bid = uid(`f-${spec.name}-${o.value}`);
          const box = h('input', { type: 'checkbox', id: bid, name: spec.name, value: o.value });
          return { box, el: h('span', { class: 'check' }, box, h('label', { for: bid }, o.text)) };
        });
        input = boxes[0]?.box || h('span');
        get = () => {
          const xs = boxes.filter((b) => b.box.checked).map((b) => b.box.value);
          return xs.length ? xs : undefined;
        };
        set = (v) => { const xs = Array.isArray(v) ? v : []; for (const b of boxes) b.box.checked = xs.includes(b.box.value); };
        control = [h('fieldset', { 'aria-describedby': described }, h('legend', null, spec.legend || label(spec.name)),
          boxes.length ? h('div', { class: 'checks' }, boxes.map((b) => b.el)) : h('p', { class: 'hint' }, 'This map has no products yet.'))];
        break;
      }
      case 'kv': {
        input = h('input', { ...common, type: 'text', autocomplete: 'off' });
        get = () => {
          const out = {};
          for (const part of input.value.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean)) {
            const m = part.match(/^([A-Za-z0-9_.-]+)\s*[=:]\s*(-?[0-9.]+)$/);
            if (!m) throw new FieldError(spec.name, `"${part}" is not name=number.`);
            out[m[1]] = Number(m[2]);
          }
          return Object.keys(out).length ? out : undefined;
        };
        set = (v) => { input.value = isObj(v) ? Object.entries(v).map(([k, x]) => `${k}=${x}`).join(', ') : ''; };
        control = [lab(), input];
        break;
      }
      case 'scores': {
        const ins = spec.keys.map((c) => {
          const qid = uid(`f-${spec.name}-${c}`);
          const q = h('input', { type: 'number', id: qid, name: `${spec.name}.${c}`, min: spec.min, max: spec.max, step: 1, inputmode: 'numeric' });
          return { c, q, el: h('span', { class: 'q' }, h('label', { for: qid }, label(c)), q) };
        });
        input = ins[0].q;
        get = () => {
          const out = {};
          for (const { c, q } of ins) {
            if (q.value.trim() === '') continue;
            const n = Number(q.value);
            if (!Number.isFinite(n)) throw new FieldError(spec.name, `${label(c)}: enter a number from ${spec.min} to ${spec.max}.`);
            out[c] = n;
          }
          return Object.keys(out).length ? out : undefined;
        };
        set = (v) => { for (const { c, q } of ins) q.value = isObj(v) && v[c] !== undefined ? v[c] : ''; };
        control = [h('details', { open: isObj(orig) }, h('summary', null, spec.legend),
          h('fieldset', { 'aria-describedby': described }, h('legend', { class: 'visually-hidden' }, spec.legend), h('div', { class: 'quality' }, ins.map((x) => x.el))))];
        break;
      }
      default:
        throw new Error(`unknown field type ${spec.type}`);
    }
    set(orig);
    const wrap = h('div', { class: `field field-${spec.type}`, dataset: { field: spec.name } }, control, hint, err);
    return { spec, wrap, input, get, set, err };
  }

  currentKind() { return this.field('kind').input.value; }

  /** suggestKind picks the first edge kind the chosen ends allow, until the user picks one. */
  suggestKind() {
    if (this.what !== 'edge' || !this.isNew || this.kindChosen) return;
    const from = this.map.nodes.find((n) => n.id === this.field('from').input.value);
    const to = this.map.nodes.find((n) => n.id === this.field('to').input.value);
    if (!from || !to) return;
    const k = EDGE_KINDS.find((x) => allows(x, from.kind, to.kind));
    this.field('kind').set(k || '');
  }

  visible(spec) {
    if (spec.kinds && !spec.kinds.includes(this.currentKind())) return false;
    if (spec.toIntermediary) { // only an intermediary buyer keeps a margin
      const to = this.map.nodes.find((n) => n.id === this.field('to').input.value);
      const had = this.item && this.item[spec.name] !== undefined;
      return had || !to || isIntermediary(to.kind);
    }
    return true;
  }

  refreshVisibility() {
    for (const f of this.fields) f.wrap.hidden = !this.visible(f.spec);
    if (this.what === 'edge') this.checkPairing(false);
  }

  /** checkPairing warns (or, when strict, fails) when the edge kind cannot join the chosen nodes. */
  checkPairing(strict) {
    const from = this.map.nodes.find((n) => n.id === this.field('from').input.value);
    const to = this.map.nodes.find((n) => n.id === this.field('to').input.value);
    const kind = this.currentKind();
    const f = this.field('kind');
    if (from && to && kind && !allows(kind, from.kind, to.kind)) {
      const msg = `A ${from.kind.replace(/_/g, ' ')} cannot ${kind.replace(/_/g, ' ')} a ${to.kind.replace(/_/g, ' ')}.`;
      this.setFieldError(f, msg);
      if (strict) throw new FieldError('kind', msg);
    } else if (!strict) {
      this.setFieldError(f, '');
    }
  }

  /** value reads the form into the full object (kept fields the form does not show stay). */
  value() {
    const next = this.item ? structuredClone(this.item) : {};
    const errors = [];
    for (const f of this.fields) {
      const { name } = f.spec;
      if (!this.visible(f.spec)) { delete next[name]; continue; }
      if (f.spec.newOnly && !this.isNew) continue;
      try {
        const v = f.get();
        if (v === undefined) {
          if (f.spec.required) throw new FieldError(name, `${label(name)} is required.`);
          delete next[name];
        } else {
          if (f.spec.pattern && typeof v === 'string' && !new RegExp(`^(?:${f.spec.pattern})$`).test(v)) {
            throw new FieldError(name, `Use ${f.spec.hint || 'the allowed characters'}.`);
          }
          next[name] = v;
        }
      } catch (e) {
        if (!(e instanceof FieldError)) throw e;
        errors.push(e);
      }
    }
    if (this.what === 'edge') {
      try { this.checkPairing(true); } catch (e) { if (e instanceof FieldError) errors.push(e); else throw e; }
    }
    return { next, errors };
  }

  /** patch is the merge patch from the loaded object to the form's value. */
  patch(next) { return mergePatch(this.item || {}, next); }

  clearErrors() {
    this.general.hidden = true;
    this.general.replaceChildren();
    for (const f of this.fields) this.setFieldError(f, '');
  }

  setFieldError(f, msg) {
    f.err.textContent = msg;
    f.err.hidden = !msg;
    f.wrap.classList.toggle('invalid', !!msg);
    const targets = f.wrap.querySelectorAll('input, select, textarea');
    for (const t of targets) if (msg) t.setAttribute('aria-invalid', 'true'); else t.removeAttribute('aria-invalid');
  }

  showGeneral(title, lines) {
    replace(this.general, h('strong', null, title), lines.length ? h('ul', null, lines.map((l) => h('li', null, l))) : null);
    this.general.hidden = false;
  }

  /** showFieldErrors marks each FieldError on its field and focuses the first. */
  showFieldErrors(errs) {
    this.clearErrors();
    for (const e of errs) this.setFieldError(this.field(e.field), e.message);
    this.focusFirstError();
  }

  focusFirstError() {
    const bad = this.fields.find((f) => !f.err.hidden);
    if (bad) (bad.wrap.querySelector('input:not([readonly]), select, textarea') || bad.input).focus();
    else if (!this.general.hidden) this.general.focus?.();
  }

  /**
   * showProblem puts a problem's per-field errors next to their fields; those
   * that belong to no field of this form are listed at the top.
   */
  showProblem(err) {
    this.clearErrors();
    const leftover = [];
    for (const pe of err.errors || []) {
      const f = this.fieldFor(pe);
      const msg = pe.message || 'invalid value';
      if (f) {
        const prev = f.err.textContent;
        this.setFieldError(f, prev ? `${prev} ${msg}` : msg);
      } else {
        leftover.push(pe.pointer ? `${pe.pointer}: ${msg}` : msg);
      }
    }
    if (leftover.length || !(err.errors || []).length) {
      this.showGeneral(err.title && err.detail ? `${err.title}: ${err.detail}` : (err.detail || err.title || err.message), leftover);
    }
    this.focusFirstError();
  }

  /** fieldFor finds the field a problem entry points at (/name, /nodes/3/margin, /prefers/0). */
  fieldFor(pe) {
    const segs = String(pe.pointer || '').split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (segs.length >= 2 && (segs[0] === 'nodes' || segs[0] === 'edges') && /^\d+$/.test(segs[1])) {
      if (segs[0] !== `${this.what}s` || !this.isIndex(Number(segs[1]))) return null;
      segs.splice(0, 2);
    }
    for (let i = segs.length - 1; i >= 0; i -= 1) {
      const f = this.field(segs[i]);
      if (f && !f.wrap.hidden) return f;
    }
    const byName = pe.field && this.field(pe.field);
    return byName && !byName.wrap.hidden ? byName : null;
  }

  isIndex(i) {
    const list = this.what === 'node' ? this.map.nodes : this.map.edges;
    if (this.isNew) return i === list.length;
    return i < list.length && (this.what === 'node' ? list[i].id === this.key : edgeKey(list[i]) === this.key);
  }

  async submit() {
    const { next, errors } = this.value();
    if (errors.length) { this.showFieldErrors(errors); return; }
    await this.onSave(this, next);
  }

  /** rebase follows a reloaded map (after a 412) without touching what the user typed. */
  rebase(map) {
    this.map = map;
    if (!this.isNew) {
      const fresh = this.what === 'node'
        ? map.nodes.find((n) => n.id === this.key)
        : map.edges.find((e) => edgeKey(e) === this.key);
      if (fresh) this.item = structuredClone(fresh);
      return !!fresh;
    }
    return true;
  }

  showConflict(text) {
    replace(this.conflict, text);
    this.conflict.hidden = !text;
  }

  /** pick fills From, then To, from a node clicked on the diagram (new edges only). */
  pick(nodeId) {
    if (!(this.what === 'edge' && this.isNew)) return false;
    const target = this.field(this.pickTarget);
    target.set(nodeId);
    this.pickTarget = this.pickTarget === 'from' ? 'to' : 'from';
    this.suggestKind();
    this.refreshVisibility();
    this.updatePickHint();
    target.input.dispatchEvent(new Event('change', { bubbles: true }));
    return true;
  }

  updatePickHint() {
    this.pickHint.hidden = false;
    this.pickHint.textContent = `Pick From and To in the lists, or click nodes on the diagram (next click sets ${label(this.pickTarget)}).`;
  }
}

/** FieldError is a problem the page finds in one field before sending. */
export class FieldError extends Error {
  constructor(field, message) { super(message); this.field = field; }
}
