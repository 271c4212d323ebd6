// Lantern web console: plain JavaScript over the /api/v1 routes, authenticated by the session cookie.
'use strict';

const state = { session: null, page: null, events: null, mailboxes: new Map(), cursor: [null], next: null, timer: null, endpoint: null, loadSeq: 0, pending: 0 };
const $ = (sel, root) => (root || document).querySelector(sel);
const CLASSES = ['voice', 'fax', 'pager', 'multimedia', 'text'];

// ---- HTTP ----------------------------------------------------------------------------------------------------------

async function api(method, path, body, extraHeaders) {
  const headers = Object.assign({ 'X-Lantern-Console': '1', 'Accept': 'application/json' }, extraHeaders || {});
  if (method !== 'GET' && state.session) headers['X-CSRF-Token'] = state.session.csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  const text = await response.text();
  if (text) { try { data = JSON.parse(text); } catch { data = text; } }
  if (response.status === 401 && state.session && !path.startsWith('/console/')) { showLogin('Your session ended; please log in again.'); }
  return { ok: response.ok, status: response.status, data, headers: response.headers };
}

function problem(result) {
  const d = result.data;
  if (d && typeof d === 'object' && d.detail) return `${result.status} ${d.title || ''}: ${d.detail}`;
  return `${result.status} ${typeof d === 'string' ? d : ''}`.trim();
}

function banner(text, kind) {
  const b = $('#banner');
  if (!text) { b.hidden = true; b.textContent = ''; return; }
  b.textContent = text;
  b.className = 'banner' + (kind === 'info' ? ' info' : '');
  b.hidden = false;
}

// ---- helpers -------------------------------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'data') for (const [dk, dv] of Object.entries(v)) e.dataset[dk] = dv;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function time(t) {
  if (!t) return '-';
  const d = new Date(t);
  return isNaN(d) ? t : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function counts(c) {
  if (!c) return '-';
  const parts = [];
  for (const cls of CLASSES) {
    const v = c[cls];
    if (!v) continue;
    let s = `${cls} ${v.new || 0}/${v.old || 0}`;
    if (v.urgentNew || v.urgentOld) s += ` !${v.urgentNew || 0}/${v.urgentOld || 0}`;
    parts.push(s);
  }
  return parts.join(' ') || 'voice 0/0';
}

function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
}

// ---- session -------------------------------------------------------------------------------------------------------

function showLogin(message) {
  state.session = null;
  stopEvents();
  $('#top').hidden = true;
  for (const p of document.querySelectorAll('.page')) p.hidden = p.id !== 'page-login';
  $('#login-error').textContent = message || '';
  banner(null);
  $('#login-user').focus();
}

async function login(event) {
  event.preventDefault();
  const result = await api('POST', '/console/login', { user: $('#login-user').value, password: $('#login-password').value });
  if (!result.ok) { $('#login-error').textContent = problem(result); return; }
  $('#login-password').value = '';
  started(result.data);
}

async function logout() {
  const result = await api('POST', '/console/logout');
  if (!result.ok && result.status !== 401) { banner(problem(result)); return; }
  showLogin('Logged out.');
}

function started(session) {
  state.session = session;
  $('#top').hidden = false;
  $('#whoami').textContent = session.user + (session.write ? '' : ' (read-only)');
  document.body.classList.toggle('read-only', !session.write);
  startEvents();
  route();
}

// ---- routing -------------------------------------------------------------------------------------------------------

function route() {
  if (!state.session) return;
  const hash = decodeURIComponent(location.hash.slice(1)) || 'mailboxes';
  const [page, ...rest] = hash.split('/');
  const arg = rest.join('/');
  const known = ['mailboxes', 'history', 'endpoints', 'upstreams', 'health'];
  const name = known.includes(page) ? page : 'mailboxes';
  state.page = name;
  clearInterval(state.timer);
  state.timer = null;
  banner(null);
  for (const p of document.querySelectorAll('.page')) p.hidden = p.id !== 'page-' + name;
  for (const a of document.querySelectorAll('header nav a')) a.classList.toggle('active', a.dataset.page === (name === 'history' ? 'mailboxes' : name));
  if (name === 'mailboxes') loadMailboxes();
  if (name === 'history') loadHistory(arg);
  if (name === 'endpoints') { loadEndpoints(arg); state.timer = setInterval(() => loadEndpoints(state.endpoint, true), 5000); }
  if (name === 'upstreams') { loadUpstreams(); state.timer = setInterval(loadUpstreams, 5000); }
  if (name === 'health') { loadHealth(); state.timer = setInterval(loadHealth, 10000); }
}

// ---- mailboxes -----------------------------------------------------------------------------------------------------

function searchQuery() {
  const text = $('#mb-search').value.trim();
  let q = '';
  if (text) {
    const regex = text.length > 2 && text.startsWith('/') && text.endsWith('/') ? text.slice(1, -1) : text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    q += '&like=' + encodeURIComponent(regex);
  }
  if ($('#mb-waiting').checked) q += '&waiting=true';
  return q;
}

async function loadMailboxes() {
  // Only the newest request's answer is shown: answers to earlier keystrokes may arrive later.
  const seq = ++state.loadSeq;
  const after = state.cursor[state.cursor.length - 1];
  state.pending++;
  let result;
  try {
    result = await api('GET', '/api/v1/mailboxes?limit=50' + searchQuery() + (after ? '&after=' + encodeURIComponent(after) : ''));
  } finally {
    state.pending--;
  }
  if (seq !== state.loadSeq) return;
  if (!result.ok) { banner(problem(result)); return; }
  state.mailboxes.clear();
  const rows = [];
  for (const m of result.data.items) { state.mailboxes.set(m.id, m); rows.push(mailboxRow(m)); }
  fill($('#mb-table tbody'), rows);
  state.next = result.data.next;
  $('#mb-next').disabled = !state.next;
  $('#mb-prev').disabled = state.cursor.length <= 1;
  $('#mb-count').textContent = `page ${state.cursor.length}, ${result.data.items.length} mailbox(es)`;
  $('#mb-hint').hidden = true;
}

function mailboxRow(m) {
  const v = m.counts.voice || {};
  const others = CLASSES.slice(1).filter(c => m.counts[c]).map(c => `${c} ${m.counts[c].new || 0}/${m.counts[c].old || 0}`).join(' ');
  const canWrite = state.session.write && m.source === 'api';
  const row = el('tr', { data: { id: m.id } },
    el('td', { class: 'lamp-cell' }, el('span', { class: 'lamp' + (m.waiting ? ' on' : ''), title: m.waiting ? 'waiting' : 'no new messages' })),
    el('td', {}, el('a', { href: '#history/' + encodeURIComponent(m.id), class: 'id', text: m.id })),
    el('td', { class: 'voice', text: `${v.new || 0}/${v.old || 0}` }),
    el('td', { class: 'urgent', text: `${v.urgentNew || 0}/${v.urgentOld || 0}` }),
    el('td', { class: 'others', text: others || '-' }),
    el('td', { class: 'source', text: m.source + (m.publicationLapsed ? ' (lapsed)' : '') }),
    el('td', { class: 'version', text: m.version }),
    el('td', { class: 'updated', text: time(m.updatedAt) }),
    el('td', {},
      canWrite ? el('button', { type: 'button', class: 'edit', onclick: () => editMailbox(m.id) }, 'Set counts') : null,
      canWrite ? el('button', { type: 'button', class: 'delete danger', onclick: () => deleteMailbox(m.id) }, 'Delete') : null,
      !canWrite && state.session.write ? el('span', { class: 'muted', text: 'owned by ' + m.source }) : null));
  return row;
}

function editMailbox(id) {
  const m = state.mailboxes.get(id);
  const row = document.querySelector(`#mb-table tr[data-id="${CSS.escape(id)}"]`);
  if (!m || !row) return;
  const old = row.nextElementSibling;
  if (old && old.classList.contains('edit-row')) { old.remove(); return; }
  const v = m.counts.voice || {};
  const input = (cls, label, value) => el('label', {}, label + ' ', el('input', { type: 'number', min: '0', class: cls, value: String(value || 0) }));
  const form = el('tr', { class: 'edit-row', data: { for: id } },
    el('td', { colspan: '9' },
      el('form', { class: 'edit-form', onsubmit: e => { e.preventDefault(); saveMailbox(id, form); } },
        el('strong', {}, 'Voice: '),
        input('e-new', 'new', v.new), input('e-old', 'old', v.old), input('e-urgent-new', 'urgent new', v.urgentNew), input('e-urgent-old', 'urgent old', v.urgentOld),
        el('button', { type: 'submit', class: 'save primary' }, 'Save'),
        el('button', { type: 'button', onclick: () => form.remove() }, 'Cancel'),
        el('span', { class: 'edit-error error' }))));
  row.after(form);
}

async function saveMailbox(id, form) {
  const m = state.mailboxes.get(id);
  const n = cls => Number($('.' + cls, form).value);
  const counts = Object.assign({}, m.counts, { voice: { new: n('e-new'), old: n('e-old'), urgentNew: n('e-urgent-new'), urgentOld: n('e-urgent-old') } });
  const result = await api('PUT', '/api/v1/mailboxes/' + encodeURIComponent(id), counts, { 'If-Match': `"${m.version}"` });
  if (!result.ok) { $('.edit-error', form).textContent = problem(result); banner('Not saved: ' + problem(result)); return; }
  form.remove();
  banner(null);
  updateMailbox(result.data);
}

async function deleteMailbox(id) {
  if (!confirm(`Delete mailbox ${id}?`)) return;
  const result = await api('DELETE', '/api/v1/mailboxes/' + encodeURIComponent(id));
  if (!result.ok) { banner('Not deleted: ' + problem(result)); return; }
  removeMailbox(id);
}

function updateMailbox(m) {
  if (state.page !== 'mailboxes') return;
  const row = document.querySelector(`#mb-table tr[data-id="${CSS.escape(m.id)}"]`);
  if (!row) {
    $('#mb-hint').textContent = 'Mailboxes were added or changed outside this page; search or page to see them.';
    $('#mb-hint').hidden = false;
    return;
  }
  // The feed also brings this page's own writes after their answer: an equal or older version changes nothing.
  const known = state.mailboxes.get(m.id);
  if (known && known.version >= m.version && known.source === m.source) return;
  state.mailboxes.set(m.id, m);
  const fresh = mailboxRow(m);
  fresh.classList.add('flash');
  row.replaceWith(fresh);
}

function removeMailbox(id) {
  state.mailboxes.delete(id);
  const row = document.querySelector(`#mb-table tr[data-id="${CSS.escape(id)}"]`);
  if (row) {
    const next = row.nextElementSibling;
    if (next && next.classList.contains('edit-row')) next.remove();
    row.remove();
  }
}

// ---- live updates (the SSE change feed) ----------------------------------------------------------------------------

function startEvents() {
  stopEvents();
  const source = new EventSource('/api/v1/events', { withCredentials: true });
  state.events = source;
  source.onopen = () => $('#live').classList.add('on');
  source.onerror = () => $('#live').classList.remove('on');
  source.addEventListener('mailbox', e => {
    const d = JSON.parse(e.data);
    if (d.kind === 'deleted') { removeMailbox(d.id); return; }
    const known = state.mailboxes.get(d.id) || {};
    updateMailbox(Object.assign({}, known, {
      id: d.id, counts: d.counts, waiting: d.waiting, version: d.version, source: d.source, updatedAt: d.time,
    }));
  });
  source.addEventListener('resync', () => { if (state.page === 'mailboxes') loadMailboxes(); });
}

function stopEvents() {
  if (state.events) { state.events.close(); state.events = null; }
  $('#live').classList.remove('on');
}

// ---- history -------------------------------------------------------------------------------------------------------

async function loadHistory(id) {
  $('#history-id').textContent = id;
  const result = await api('GET', '/api/v1/mailboxes/' + encodeURIComponent(id) + '/history');
  if (!result.ok) { banner(problem(result)); fill($('#history-table tbody'), []); return; }
  $('#history-note').textContent = (result.data.exists ? '' : 'This mailbox does not exist now. ') + `The last ${result.data.limit} changes are kept, newest first.`;
  fill($('#history-table tbody'), result.data.items.map(h => el('tr', {},
    el('td', { text: time(h.time) }), el('td', { class: 'kind', text: h.kind }), el('td', { class: 'actor', text: h.actor }),
    el('td', { text: h.source }), el('td', { text: h.version }),
    el('td', { class: 'before', text: counts(h.oldCounts) }), el('td', { class: 'after', text: counts(h.newCounts) }))));
}

// ---- endpoints -----------------------------------------------------------------------------------------------------

function failuresOf(e) {
  let n = 0;
  for (const c of e.contacts || []) if (c.lastNotifyFailureAt && (!c.lastNotifySuccessAt || c.lastNotifyFailureAt > c.lastNotifySuccessAt)) n++;
  for (const s of e.subscriptions || []) if (s.lastResult && !/^2\d\d/.test(s.lastResult)) n++;
  return n;
}

async function loadEndpoints(selected, quiet) {
  const result = await api('GET', '/api/v1/endpoints');
  if (!result.ok) { if (!quiet) banner(problem(result)); return; }
  const items = result.data.items || [];
  fill($('#ep-table tbody'), items.map(e => {
    const failures = failuresOf(e);
    const last = e.lastNotify;
    return el('tr', { data: { id: e.id }, class: failures ? 'failing' : '' },
      el('td', {}, el('a', { href: '#endpoints/' + encodeURIComponent(e.id), text: e.id })),
      el('td', { class: 'wrap', text: (e.mailboxes || []).join(', ') }),
      el('td', { text: e.authentication }), el('td', { text: e.unsolicited ? 'yes' : 'no' }),
      el('td', { text: (e.contacts || []).length }), el('td', { text: (e.subscriptions || []).length }),
      el('td', { text: last ? `${time(last.at)} ${last.result} (${last.kind})` : '-' }),
      el('td', { class: failures ? 'error' : '', text: failures }));
  }));
  state.endpoint = selected || null;
  const e = items.find(x => x.id === selected);
  $('#ep-detail').hidden = !e;
  if (!e) return;
  if ($('#ep-id').textContent !== e.id) { $('#ep-outcomes').hidden = true; }
  $('#ep-id').textContent = e.id;
  $('#ep-notify').hidden = !state.session.write;
  fill($('#ep-contacts tbody'), (e.contacts || []).map(c => el('tr', {},
    el('td', { text: c.contact }), el('td', { text: c.origin }), el('td', { text: c.expiresAt ? time(c.expiresAt) : 'never' }),
    el('td', { text: c.remote || '-' }), el('td', { text: c.userAgent || '-' }), el('td', { text: time(c.lastNotifySuccessAt) }),
    el('td', { class: c.lastNotifyFailure ? 'error' : '', text: c.lastNotifyFailureAt ? `${time(c.lastNotifyFailureAt)} ${c.lastNotifyFailure}` : '-' }))));
  fill($('#ep-subs tbody'), (e.subscriptions || []).map(s => el('tr', {},
    el('td', { text: s.id }), el('td', { text: (s.mailboxes || []).join(', ') }), el('td', { text: s.state }),
    el('td', { text: s.remote }), el('td', { text: time(s.expiresAt) }), el('td', { text: time(s.lastNotifyAt) }),
    el('td', { class: s.lastResult && !/^2\d\d/.test(s.lastResult) ? 'error' : '', text: s.lastResult || '-' }))));
}

async function notifyNow() {
  const id = state.endpoint;
  const button = $('#ep-notify');
  button.disabled = true;
  button.textContent = 'Sending…';
  try {
    const result = await api('POST', '/api/v1/endpoints/' + encodeURIComponent(id) + ':notify');
    if (!result.ok) { banner('NOTIFY not sent: ' + problem(result)); return; }
    const outcomes = result.data.outcomes || [];
    $('#ep-outcomes').hidden = false;
    fill($('#ep-outcomes tbody'), outcomes.length
      ? outcomes.map(o => el('tr', { class: o.delivered ? '' : 'failing' }, el('td', { text: o.kind }), el('td', { text: o.target }), el('td', { class: 'result', text: o.result })))
      : [el('tr', {}, el('td', { colspan: '3', class: 'muted', text: 'Nothing to send to: no live subscription and no contact that takes unsolicited NOTIFYs.' }))]);
    banner(`${result.data.delivered} of ${result.data.sent} NOTIFY(s) delivered.`, 'info');
    loadEndpoints(id, true);
  } finally {
    button.disabled = false;
    button.textContent = 'Send a NOTIFY now';
  }
}

// ---- upstreams and peers -------------------------------------------------------------------------------------------

async function loadUpstreams() {
  const [ups, peers] = await Promise.all([api('GET', '/api/v1/upstreams'), api('GET', '/api/v1/peers')]);
  if (!ups.ok) { banner(problem(ups)); return; }
  const failing = u => u.state !== 'active';
  const upItems = (ups.data.items || []).slice().sort((a, b) => (failing(b) - failing(a)) || a.name.localeCompare(b.name));
  fill($('#up-table tbody'), upItems.map(u => el('tr', { data: { name: u.name }, class: failing(u) ? 'failing' : '' },
    el('td', { text: u.name }), el('td', { class: 'state', text: u.state }), el('td', { text: `${u.target} (${u.transport})` }),
    el('td', { text: u.mailbox }), el('td', { text: time(u.lastNotifyAt) }), el('td', { text: time(u.nextAttemptAt) }),
    el('td', { text: u.failures }), el('td', { class: 'wrap last-error error', text: u.lastError || '' }))));
  if (!peers.ok) { fill($('#peer-table tbody'), []); return; }
  const peerFailing = p => !!p.lastError;
  const peerItems = (peers.data.items || []).slice().sort((a, b) => (peerFailing(b) - peerFailing(a)) || a.name.localeCompare(b.name));
  fill($('#peer-table tbody'), peerItems.map(p => el('tr', { data: { name: p.name }, class: peerFailing(p) ? 'failing' : '' },
    el('td', { text: p.name }), el('td', { text: p.mailbox }), el('td', { class: 'wrap', text: (p.match || []).concat(p.networks || []).join(', ') }),
    el('td', { text: p.publications }), el('td', { text: time(p.lastRequestAt) }), el('td', { text: p.accepted }), el('td', { text: p.refused }),
    el('td', { class: 'wrap last-error error', text: p.lastError || '' }))));
}

// ---- health --------------------------------------------------------------------------------------------------------

const COLORS = ['#2457c5', '#c62828', '#2e7d32', '#f5a300', '#7b1fa2', '#00838f', '#5d4037', '#455a64'];

async function loadHealth() {
  const [ready, history] = await Promise.all([api('GET', '/readyz'), api('GET', '/api/v1/metrics/history')]);
  if (ready.data && typeof ready.data === 'object') {
    const pill = $('#health-ready');
    pill.textContent = ready.data.ready ? 'ready' : 'not ready';
    pill.className = 'pill ' + (ready.data.ready ? 'ok' : 'bad');
    fill($('#health-checks tbody'), Object.entries(ready.data.checks || {}).map(([name, problemText]) =>
      el('tr', { class: problemText ? 'failing' : '' }, el('td', { text: name }), el('td', { text: problemText || 'ok' }))));
  }
  if (!history.ok) { banner(problem(history)); return; }
  const charts = new Map();
  for (const s of history.data.series) {
    if (!charts.has(s.chart)) charts.set(s.chart, []);
    charts.get(s.chart).push(s);
  }
  const order = ['HTTP requests/s', 'NOTIFYs/s', 'Store commit latency (ms)', 'Active subscriptions'];
  const names = [...new Set(order.concat([...charts.keys()]))];
  $('#charts').replaceChildren(...names.map(name => chart(name, charts.get(name) || [], history.data)));
}

function chart(title, series, data) {
  const ns = 'http://www.w3.org/2000/svg';
  const w = 420, h = 130, pad = 28;
  const slots = Math.max(data.windowSeconds / data.intervalSeconds, 2);
  let max = 0;
  for (const s of series) for (const v of s.values) if (v !== null && v > max) max = v;
  max = max > 0 ? max * 1.15 : 1;
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  const line = (x1, y1, x2, y2, color) => {
    const l = document.createElementNS(ns, 'line');
    for (const [k, v] of Object.entries({ x1, y1, x2, y2, stroke: color, 'stroke-width': 1 })) l.setAttribute(k, v);
    return l;
  };
  const label = (x, y, text, anchor) => {
    const t = document.createElementNS(ns, 'text');
    for (const [k, v] of Object.entries({ x, y, 'font-size': 10, fill: '#6b7385', 'text-anchor': anchor || 'start' })) t.setAttribute(k, v);
    t.textContent = text;
    return t;
  };
  svg.append(line(pad, h - 16, w, h - 16, '#dde1e8'), line(pad, 6, pad, h - 16, '#dde1e8'));
  svg.append(label(pad - 4, 14, format(max), 'end'), label(pad - 4, h - 16, '0', 'end'), label(pad, h - 2, '-15 min'), label(w, h - 2, 'now', 'end'));
  const n = data.times.length;
  series.forEach((s, i) => {
    const points = [];
    s.values.forEach((v, j) => {
      if (v === null) return;
      const x = pad + (w - pad) * (1 - (n - 1 - j) / slots);
      const y = (h - 16) - (h - 22) * (v / max);
      points.push(`${x.toFixed(1)},${y.toFixed(1)}`);
    });
    const p = document.createElementNS(ns, 'polyline');
    for (const [k, v] of Object.entries({ points: points.join(' '), fill: 'none', stroke: COLORS[i % COLORS.length], 'stroke-width': 1.6 })) p.setAttribute(k, v);
    svg.append(p);
  });
  const legend = el('div', { class: 'legend' }, ...series.map((s, i) => {
    const swatch = el('i');
    swatch.style.background = COLORS[i % COLORS.length];
    const last = s.values.length ? s.values[s.values.length - 1] : null;
    return el('span', {}, swatch, `${s.name} ${last === null ? '-' : format(last)}`);
  }));
  if (!series.length) legend.append(el('span', { text: 'no data yet' }));
  return el('div', { class: 'chart', data: { chart: title } }, el('h3', { text: title }), svg, legend);
}

function format(v) {
  return v >= 100 ? Math.round(v).toString() : v >= 1 ? v.toFixed(1) : v.toFixed(2);
}

// ---- start ---------------------------------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', async () => {
  $('#login').addEventListener('submit', login);
  $('#logout').addEventListener('click', logout);
  $('#ep-notify').addEventListener('click', notifyNow);
  $('#ep-refresh').addEventListener('click', () => loadEndpoints(state.endpoint));
  $('#up-refresh').addEventListener('click', loadUpstreams);
  let searchTimer = null;
  $('#mb-search').addEventListener('input', () => {
    if (!searchTimer) state.pending++;
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { searchTimer = null; state.pending--; state.cursor = [null]; loadMailboxes(); }, 250);
  });
  $('#mb-waiting').addEventListener('change', () => { state.cursor = [null]; loadMailboxes(); });
  $('#mb-next').addEventListener('click', () => { if (state.next) { state.cursor.push(state.next); loadMailboxes(); } });
  $('#mb-prev').addEventListener('click', () => { if (state.cursor.length > 1) { state.cursor.pop(); loadMailboxes(); } });
  window.addEventListener('hashchange', route);
  const session = await api('GET', '/console/session');
  if (session.ok) started(session.data); else showLogin();
});
