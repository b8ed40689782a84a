// tcpwatch ui: the page is a client of the engine's JSON API. It never decodes packets and
// never parses packet text as HTML: every string from a packet goes in with textContent.
const TOKEN = document.querySelector('meta[name="tcpwatch-token"]').content;
const LIVE = document.querySelector('meta[name="tcpwatch-live"]').content === '1';
const RH = 20;              // row height in px
const PAGE = 100;           // rows per request
const MAXH = 8_000_000;     // the tallest scroll area browsers handle well
const $ = (id) => document.getElementById(id);
const SVGNS = 'http://www.w3.org/2000/svg';

const state = {
  filter: '', total: 0, matched: 0, pages: new Map(), pending: new Set(),
  selected: null, selectedIndex: null, stream: null, udpStream: null, view: 'details',
  marked: new Set(), follow: true, tree: null, treeNodes: [], bytes: [], sources: [], sourceShown: 0, nodeSel: null,
  generation: 0,
};

// ---------- API ----------
async function api(path, params = {}) {
  const q = new URLSearchParams(params);
  const res = await fetch(`/api/${path}?${q}`, { headers: { 'X-Tcpwatch-Token': TOKEN } });
  const body = await res.json();
  if (!res.ok) { const e = new Error(body.error || res.statusText); e.body = body; throw e; }
  return body;
}
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = String(text);
  return e;
}
function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }

// ---------- packet list (only visible rows are in the DOM) ----------
const list = $('list'), rowsEl = $('rows'), spacer = $('spacer');
function count() { return state.filter ? state.matched : state.total; }
function scaled() { return count() * RH > MAXH; }
function visibleRows() { return Math.ceil(list.clientHeight / RH) + 1; }
function firstIndex() {
  if (!scaled()) return Math.floor(list.scrollTop / RH);
  const max = MAXH - list.clientHeight;
  return Math.floor((list.scrollTop / Math.max(max, 1)) * Math.max(count() - visibleRows() + 1, 0));
}
function scrollToIndex(i, align = 'nearest') {
  const first = firstIndex(), vis = visibleRows() - 1;
  if (align === 'nearest' && i >= first && i < first + vis - 1) return;
  const target = align === 'bottom' ? i - vis + 2 : (i < first ? i : i - vis + 2);
  const t = Math.max(0, target);
  if (!scaled()) list.scrollTop = t * RH;
  else list.scrollTop = (t / Math.max(count() - visibleRows() + 1, 1)) * (MAXH - list.clientHeight);
}
function rowAt(i) { const p = state.pages.get(Math.floor(i / PAGE)); return p ? p[i % PAGE] : undefined; }
function render() {
  spacer.style.height = Math.min(count() * RH, MAXH) + 'px';
  const first = firstIndex(), n = visibleRows();
  rowsEl.style.top = (scaled() ? list.scrollTop : first * RH) + 'px';
  const missing = new Set();
  clear(rowsEl);
  for (let k = 0; k < n && first + k < count(); k++) {
    const i = first + k, r = rowAt(i);
    const row = el('div', 'row');
    row.style.top = (k * RH) + 'px';
    if (!r) { row.classList.add('pending'); row.textContent = '…'; missing.add(Math.floor(i / PAGE)); rowsEl.appendChild(row); continue; }
    row.dataset.frame = r.number;
    row.dataset.index = i;
    if (r.color) row.classList.add('k-' + r.color);
    else if (r.protocol === 'TCP') row.classList.add('k-tcp');
    else if (r.protocol === 'UDP') row.classList.add('k-udp');
    else if (r.protocol.startsWith('ICMP')) row.classList.add('k-icmp');
    if (r.number === state.selected) row.classList.add('selected');
    if (state.marked.has(r.number)) row.classList.add('marked');
    const cols = [['c-no', r.number], ['c-time', r.time], ['c-src', r.source], ['c-dst', r.destination],
      ['c-proto', r.protocol], ['c-len', r.length], ['c-info', r.info]];
    for (const [c, v] of cols) row.appendChild(el('span', c, v));
    rowsEl.appendChild(row);
  }
  for (const p of missing) fetchPage(p);
}
async function fetchPage(p) {
  const key = state.generation + ':' + p;
  if (state.pending.has(key)) return;
  state.pending.add(key);
  const gen = state.generation;
  try {
    const r = await api('frames', { filter: state.filter, skip: p * PAGE, limit: PAGE });
    if (gen !== state.generation) return;
    state.total = r.total; state.matched = r.matched;
    state.pages.set(p, r.frames);
    render();
  } catch (e) {
    if (e.body && e.body.column !== undefined) showFilterError(e.body);
  } finally { state.pending.delete(key); }
}
list.addEventListener('scroll', () => {
  render();
  if (LIVE) {
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - RH * 2;
    state.follow = atBottom;
    $('resume').hidden = atBottom;
  }
});
window.addEventListener('resize', render);
rowsEl.addEventListener('click', (ev) => {
  const row = ev.target.closest('.row');
  if (row && row.dataset.frame) select(+row.dataset.frame, +row.dataset.index);
});

async function reload() {
  state.generation++;
  state.pages.clear();
  const r = await api('frames', { filter: state.filter, skip: 0, limit: PAGE });
  state.total = r.total; state.matched = r.matched;
  state.pages.set(0, r.frames);
  list.scrollTop = 0;
  render();
  updateStatus();
}

// ---------- selection, details tree and bytes ----------
async function select(frame, index) {
  state.selected = frame;
  if (index !== undefined && index !== null) state.selectedIndex = index;
  else {
    const r = await api('position', { filter: state.filter, frame });
    state.selectedIndex = r.index;
    if (r.index !== null) scrollToIndex(r.index, 'center');
  }
  render();
  updateHash();
  const f = await api('frame/' + frame);
  if (state.selected !== frame) return;
  // The frame's bytes, then any reassembled data (Wireshark's bytes pane tabs).
  state.sources = [{ name: `Frame (${f.bytes.length / 2} bytes)`, bytes: f.bytes.match(/../g) || [] },
    ...(f.sources || []).map((x) => ({ name: x.name, bytes: x.bytes.match(/../g) || [] }))];
  state.sourceShown = 0;
  state.bytes = state.sources[0].bytes;
  const stream = findValue(f.tree, 'tcp.stream');
  state.stream = stream !== null ? +stream : null;
  const udp = findValue(f.tree, 'udp.stream');
  state.udpStream = udp !== null ? +udp : null;
  renderTree(f.tree);
  renderBytes();
  updateHash();
  if (state.view !== 'details') showView(state.view, true);
}
function findValue(nodes, field) {
  for (const n of nodes) {
    if (n.field === field && n.value !== null) return n.value;
    const v = findValue(n.children, field);
    if (v !== null) return v;
  }
  return null;
}
function renderTree(tree) {
  const box = clear($('tree'));
  state.treeNodes = [];
  state.nodeSel = null;
  const build = (nodes, depth) => {
    const ul = el('ul');
    for (const n of nodes) {
      const li = el('li');
      const div = el('div', 'node' + (n.generated ? ' generated' : ''));
      const tw = el('span', 'tw', n.children.length ? (depth === 0 ? '▸' : '▸') : '');
      div.appendChild(tw);
      div.appendChild(document.createTextNode(n.label));
      if (n.field) div.dataset.field = n.field;
      if (n.range) div.dataset.range = n.range[0] + ',' + n.range[1];
      if (n.source) div.dataset.source = n.source;
      if (n.value !== null) div.dataset.value = n.value;
      li.appendChild(div);
      state.treeNodes.push({ div, li, node: n });
      if (n.children.length) { li.classList.add('closed'); li.appendChild(build(n.children, depth + 1)); }
      ul.appendChild(li);
    }
    return ul;
  };
  box.appendChild(build(tree, 0));
}
function toggle(li, open) {
  if (!li.querySelector(':scope > ul')) return;
  const closed = open === undefined ? !li.classList.contains('closed') : !open;
  li.classList.toggle('closed', closed);
  const tw = li.querySelector(':scope > .node > .tw');
  if (tw) tw.textContent = closed ? '▸' : '▾';
}
function selectNode(div, scroll = true) {
  if (state.nodeSel) state.nodeSel.classList.remove('selected');
  state.nodeSel = div;
  div.classList.add('selected');
  for (let li = div.parentElement.parentElement.closest('li'); li; li = li.parentElement.closest('li')) toggle(li, true);
  if (scroll) div.scrollIntoView({ block: 'nearest' });
  const source = +(div.dataset.source || 0);
  if (div.dataset.range && source !== state.sourceShown && state.sources[source]) {
    state.sourceShown = source;
    state.bytes = state.sources[source].bytes;
    renderBytes();
  }
  highlight(div.dataset.range);
}
$('tree').addEventListener('click', (ev) => {
  const tw = ev.target.closest('.tw');
  const div = ev.target.closest('.node');
  if (!div) return;
  if (tw) toggle(div.parentElement);
  selectNode(div, false);
});
$('tree').addEventListener('dblclick', (ev) => { const d = ev.target.closest('.node'); if (d) toggle(d.parentElement); });
function renderBytes() {
  const box = clear($('bytes'));
  if (state.sources.length > 1) {
    const tabs = el('div', 'sources');
    state.sources.forEach((src, i) => {
      const t = el('button', i === state.sourceShown ? 'active' : null, src.name);
      t.type = 'button';
      t.addEventListener('click', () => { state.sourceShown = i; state.bytes = src.bytes; renderBytes(); });
      tabs.appendChild(t);
    });
    box.appendChild(tabs);
  }
  const b = state.bytes;
  for (let off = 0; off < b.length; off += 16) {
    const line = el('div', 'line');
    line.appendChild(el('span', 'off', off.toString(16).padStart(4, '0')));
    for (let i = off; i < off + 16; i++) {
      const s = el('span', i < b.length ? 'b' : 'gap', i < b.length ? b[i] : '  ');
      if (i < b.length) s.dataset.i = i;
      line.appendChild(s);
      if (i === off + 7) line.appendChild(document.createTextNode(' '));
    }
    line.appendChild(document.createTextNode(' '));
    for (let i = off; i < Math.min(off + 16, b.length); i++) {
      const c = parseInt(b[i], 16);
      const s = el('span', 'a', c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.');
      s.dataset.i = i;
      line.appendChild(s);
    }
    box.appendChild(line);
  }
}
function highlight(range) {
  for (const s of $('bytes').querySelectorAll('.hl')) s.classList.remove('hl');
  if (!range) return;
  const [o, l] = range.split(',').map(Number);
  let first = null;
  for (const s of $('bytes').querySelectorAll('[data-i]')) {
    const i = +s.dataset.i;
    if (i >= o && i < o + l) { s.classList.add('hl'); if (!first) first = s; }
  }
  if (first) first.scrollIntoView({ block: 'nearest' });
}
$('bytes').addEventListener('click', (ev) => {
  const s = ev.target.closest('[data-i]');
  if (!s) return;
  const i = +s.dataset.i;
  // The smallest field whose bytes hold this byte.
  let best = null, bestLen = Infinity;
  for (const t of state.treeNodes) {
    const r = t.node.range;
    if (r && (t.node.source || 0) === state.sourceShown && i >= r[0] && i < r[0] + r[1] && r[1] <= bestLen && t.node.field) { best = t; bestLen = r[1]; }
  }
  if (best) selectNode(best.div);
});

// ---------- keyboard ----------
document.addEventListener('keydown', (ev) => {
  const inInput = ev.target.tagName === 'INPUT' || ev.target.tagName === 'SELECT';
  if (ev.key === '/' && !inInput) { ev.preventDefault(); $('filter').focus(); $('filter').select(); return; }
  if (inInput) return;
  const inTree = ev.target.closest && ev.target.closest('#tree');
  if (inTree && state.nodeSel) {
    const visible = state.treeNodes.filter((t) => t.div.offsetParent !== null);
    const k = visible.findIndex((t) => t.div === state.nodeSel);
    if (ev.key === 'ArrowDown' || ev.key === 'j') { ev.preventDefault(); if (visible[k + 1]) selectNode(visible[k + 1].div); return; }
    if (ev.key === 'ArrowUp' || ev.key === 'k') { ev.preventDefault(); if (k > 0) selectNode(visible[k - 1].div); return; }
    if (ev.key === 'Enter' || ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
      ev.preventDefault(); toggle(state.nodeSel.parentElement, ev.key === 'Enter' ? undefined : ev.key === 'ArrowRight'); return;
    }
    if (ev.key === 'Escape') { list.focus(); return; }
  }
  if (ev.key === 'ArrowDown' || ev.key === 'j' || ev.key === 'ArrowUp' || ev.key === 'k') {
    ev.preventDefault();
    const d = (ev.key === 'ArrowDown' || ev.key === 'j') ? 1 : -1;
    const i = Math.min(Math.max((state.selectedIndex ?? -1) + d, 0), count() - 1);
    scrollToIndex(i);
    const r = rowAt(i);
    if (r) select(r.number, i);
    else { state.selectedIndex = i; fetchPage(Math.floor(i / PAGE)).then(() => { const r2 = rowAt(i); if (r2) select(r2.number, i); }); }
  } else if (ev.key === 'Enter') {
    ev.preventDefault();
    const first = $('tree').querySelector('.node');
    if (first) { $('tree').focus(); selectNode(state.nodeSel || first); toggle((state.nodeSel || first).parentElement, true); }
  } else if (ev.key === 'm' && state.selected) {
    if (state.marked.has(state.selected)) state.marked.delete(state.selected); else state.marked.add(state.selected);
    render(); updateSaveLinks();
  } else if (ev.key === 'End' || ev.key === 'G') { scrollToIndex(count() - 1, 'bottom'); }
  else if (ev.key === 'Home' || ev.key === 'g') { list.scrollTop = 0; }
});

// ---------- filter bar ----------
const filterInput = $('filter');
let checkTimer = null, completeTimer = null, compIndex = -1, submits = 0;
function showFilterError(r) {
  filterInput.classList.remove('ok'); filterInput.classList.add('bad');
  // The engine counts columns from 0, as the CLI's caret line does.
  $('filter-error').textContent = `${r.error} (column ${r.column + 1})`;
  const caret = $('caret');
  caret.hidden = false;
  caret.textContent = ' '.repeat(Math.max(r.column, 0)) + '^' + '~'.repeat(Math.max((r.length || 1) - 1, 0));
}
async function check() {
  const text = filterInput.value;
  if (!text.trim()) { filterInput.classList.remove('ok', 'bad'); $('filter-error').textContent = ''; $('caret').hidden = true; return true; }
  const r = await api('check', { filter: text });
  if (text !== filterInput.value) return false;
  if (r.ok) { filterInput.classList.add('ok'); filterInput.classList.remove('bad'); $('filter-error').textContent = ''; $('caret').hidden = true; }
  else showFilterError(r);
  return r.ok;
}
function currentWord() {
  const pos = filterInput.selectionStart ?? filterInput.value.length;
  const before = filterInput.value.slice(0, pos);
  const m = before.match(/[A-Za-z_][A-Za-z0-9_.\-]*$/);
  return m ? { word: m[0], start: pos - m[0].length, end: pos } : null;
}
async function complete() {
  const box = $('completions');
  const w = currentWord();
  if (!w || w.word.length < 1) { box.hidden = true; return; }
  const asked = submits, text = filterInput.value;
  const r = await api('complete', { prefix: w.word });
  // Too late: the filter was applied or edited meanwhile.
  if (asked !== submits || text !== filterInput.value || document.activeElement !== filterInput) return;
  clear(box);
  compIndex = -1;
  const items = r.fields.filter((f) => f.name !== w.word).slice(0, 40);
  for (const f of items) {
    const li = el('li');
    li.appendChild(el('span', 'name', f.name));
    li.appendChild(el('span', 'desc', f.description));
    li.dataset.name = f.name;
    li.addEventListener('mousedown', (ev) => { ev.preventDefault(); acceptCompletion(f.name); });
    box.appendChild(li);
  }
  box.hidden = items.length === 0;
}
function acceptCompletion(name) {
  const w = currentWord();
  if (!w) return;
  const v = filterInput.value;
  filterInput.value = v.slice(0, w.start) + name + v.slice(w.end);
  const p = w.start + name.length;
  filterInput.setSelectionRange(p, p);
  $('completions').hidden = true;
  check();
}
filterInput.addEventListener('input', () => {
  clearTimeout(checkTimer); clearTimeout(completeTimer);
  checkTimer = setTimeout(check, 120);
  completeTimer = setTimeout(complete, 120);
});
filterInput.addEventListener('keydown', (ev) => {
  const box = $('completions');
  const items = [...box.querySelectorAll('li')];
  if (!box.hidden && items.length) {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      compIndex = (compIndex + (ev.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
      items.forEach((li, i) => li.classList.toggle('active', i === compIndex));
      items[compIndex].scrollIntoView({ block: 'nearest' });
      return;
    }
    if (ev.key === 'Tab' || (ev.key === 'Enter' && compIndex >= 0)) {
      ev.preventDefault();
      acceptCompletion(items[Math.max(compIndex, 0)].dataset.name);
      return;
    }
  }
  if (ev.key === 'Escape') { box.hidden = true; $('recent-list').hidden = true; filterInput.blur(); list.focus(); }
});
filterInput.addEventListener('blur', () => setTimeout(() => { $('completions').hidden = true; }, 150));
$('filter-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  submits++;
  clearTimeout(completeTimer);
  $('completions').hidden = true;
  await applyFilter(filterInput.value);
});
$('clear').addEventListener('click', () => { filterInput.value = ''; applyFilter(''); });
async function applyFilter(text) {
  filterInput.value = text;
  if (!(await check())) return;
  state.filter = text.trim();
  if (state.filter) remember(state.filter);
  // A filter is one pass over the capture: show how far it got.
  let done = false;
  const progress = async () => {
    while (!done) {
      await new Promise((r) => setTimeout(r, 300));
      if (done) break;
      const s = await api('status');
      const p = s.filters[state.filter];
      if (!done) $('status').textContent = `filtering… ${p !== undefined ? Math.floor(p * 100) + '%' : ''}`;
    }
  };
  if (state.filter) { $('status').textContent = 'filtering…'; progress(); }
  try { await reload(); } finally { done = true; }
  if (state.selected) {
    const r = await api('position', { filter: state.filter, frame: state.selected });
    state.selectedIndex = r.index;
    if (r.index !== null) scrollToIndex(r.index, 'center');
    render();
  }
  updateHash(); updateSaveLinks();
}
function recent() { try { return JSON.parse(localStorage.getItem('tcpwatch.recent') || '[]'); } catch { return []; } }
function remember(f) { const r = [f, ...recent().filter((x) => x !== f)].slice(0, 20); localStorage.setItem('tcpwatch.recent', JSON.stringify(r)); }
$('recent').addEventListener('click', () => {
  const box = clear($('recent-list'));
  for (const f of recent()) {
    const li = el('li', null, f);
    li.addEventListener('click', () => { box.hidden = true; applyFilter(f); });
    box.appendChild(li);
  }
  if (!box.firstChild) box.appendChild(el('li', 'muted', '(no recent filters)'));
  box.hidden = !box.hidden;
});

// ---------- right-click: apply as filter ----------
function filterFor(n) {
  if (!n.field) return null;
  const v = n.value;
  if (v === null || v === '') return n.field;
  if (/^-?\d+(\.\d+)?$/.test(v) || /^0x[0-9a-f]+$/i.test(v) || /^[0-9.]+$/.test(v) || /^[0-9a-f:]+$/i.test(v) && v.includes(':')) return `${n.field} == ${v}`;
  return `${n.field} == "${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
let menuNode = null;
$('tree').addEventListener('contextmenu', (ev) => {
  const div = ev.target.closest('.node');
  if (!div) return;
  const t = state.treeNodes.find((x) => x.div === div);
  if (!t || !t.node.field) return;
  ev.preventDefault();
  selectNode(div, false);
  menuNode = t.node;
  const m = $('menu');
  m.style.left = ev.clientX + 'px'; m.style.top = ev.clientY + 'px';
  m.hidden = false;
});
document.addEventListener('click', () => { $('menu').hidden = true; $('recent-list').hidden = true; });
$('menu').addEventListener('click', (ev) => {
  const act = ev.target.dataset.act;
  const f = menuNode && filterFor(menuNode);
  if (!f) return;
  const cur = filterInput.value.trim();
  if (act === 'apply') applyFilter(f);
  else if (act === 'prepare') { filterInput.value = f; check(); filterInput.focus(); }
  else if (act === 'and') applyFilter(cur ? `(${cur}) && ${f}` : f);
  else if (act === 'not') applyFilter(cur ? `(${cur}) && !(${f})` : `!(${f})`);
});

// ---------- legend ----------
const LEGEND = [['bad', 'Bad TCP (analysis flags) or a malformed frame'], ['icmp-error', 'ICMP errors'], ['arp', 'ARP'],
  ['icmp', 'ICMP'], ['rst', 'TCP RST'], ['http', 'HTTP (http || tcp.port == 80)'], ['synfin', 'TCP SYN/FIN'], ['dns', 'DNS'],
  ['tcp', 'TCP'], ['udp', 'UDP']];
(() => {
  const box = $('legend');
  box.appendChild(el('strong', null, "Wireshark's default colouring rules"));
  for (const [k, label] of LEGEND) box.appendChild(el('div', 'k-' + k, label));
})();
$('legend-button').addEventListener('click', (ev) => { ev.stopPropagation(); $('legend').hidden = !$('legend').hidden; });

// ---------- views ----------
for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => showView(b.dataset.view));
async function showView(name, refresh = false) {
  const changed = state.view !== name;
  state.view = name;
  for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', b.dataset.view === name);
  for (const v of document.querySelectorAll('.view')) v.classList.toggle('active', v.id === 'view-' + name);
  updateHash();
  if (name === 'details') return;
  if (!changed && !refresh && $('view-' + name).dataset.loaded === viewKey(name)) return;
  const box = clear($('view-' + name));
  box.appendChild(el('p', 'muted', 'Loading…'));
  try {
    await VIEWS[name](box);
    box.dataset.loaded = viewKey(name);
  } catch (e) { clear(box).appendChild(el('p', 'sev-error', e.message)); }
}
function viewKey(name) { return name + ':' + state.stream + ':' + state.total; }
function needStream(box, what) {
  clear(box);
  box.appendChild(el('p', 'muted', `Select a TCP packet (or a conversation) to see its ${what}.`));
}
function cliText(box, text, title = 'The same facts as the command line prints them') {
  const d = el('details');
  d.appendChild(el('summary', 'muted', title));
  d.appendChild(el('pre', 'cli', text));
  box.appendChild(d);
}
function table(headers, rows, onclick) {
  const t = el('table', 'grid');
  const tr = el('tr');
  for (const h of headers) tr.appendChild(el('th', null, h));
  t.appendChild(tr);
  for (const r of rows) {
    const row = el('tr', onclick ? 'click' : null);
    for (const c of r.cells) {
      const td = el('td', c && c.cls, c && typeof c === 'object' ? c.text : c);
      row.appendChild(td);
    }
    if (r.data) for (const [k, v] of Object.entries(r.data)) row.dataset[k] = v;
    if (onclick) row.addEventListener('click', () => onclick(r));
    t.appendChild(row);
  }
  return t;
}
function setStream(n) { state.stream = n; updateHash(); }

const VIEWS = {
  async conversations(box) {
    const r = await api('conversations');
    clear(box);
    box.appendChild(el('p', 'muted', 'Click a conversation to filter on it. The ephemeral port is next to the service port.'));
    box.appendChild(table(['', '#', 'client', 'server', 'service', 'state', 'history', 'packets c/s', 'bytes c/s', 'start', 'duration'],
      r.conversations.map((c) => ({
        c, data: { stream: c.stream, transport: c.transport },
        cells: [c.transport, c.stream, c.client, c.server, c.service ?? '', c.state, c.history,
          `${c.client_packets}/${c.server_packets}`, `${c.client_bytes}/${c.server_bytes}`, c.start.toFixed(6), c.duration.toFixed(6)],
      })), (row) => {
        const c = row.c;
        setStream(c.transport === 'tcp' ? c.stream : state.stream);
        applyFilter(`${c.transport}.stream eq ${c.stream}`);
      }));
    cliText(box, r.text);
  },
  async follow(box) {
    if (state.stream === null) return needStream(box, 'stream');
    const r = await api('follow', { stream: state.stream });
    clear(box);
    const bar = el('div', 'toolbar');
    bar.appendChild(el('strong', null, `Follow TCP stream ${r.stream}`));
    const fmt = el('select'); for (const o of ['ascii', 'hex']) fmt.appendChild(el('option', null, o));
    const dir = el('select');
    for (const [v, t] of [['both', 'both directions'], ['client', `client ${r.client ?? ''} only`], ['server', 'server only']]) { const o = el('option', null, t); o.value = v; dir.appendChild(o); }
    bar.append('Show', fmt, dir);
    box.appendChild(bar);
    if (!r.found) { box.appendChild(el('p', 'muted', `tcp.stream ${r.stream} is not in this capture.`)); return; }
    box.appendChild(el('p', 'muted', `${r.a} ⇄ ${r.b} — client in red, server in blue; click a chunk to select its packet.`));
    const out = el('div', 'chunks');
    box.appendChild(out);
    const draw = () => {
      clear(out);
      for (const c of r.chunks) {
        if (dir.value !== 'both' && c.side !== dir.value) continue;
        if (c.gap !== undefined) { out.appendChild(el('pre', 'chunk gap', `[${c.gap} bytes missing in capture file]`)); continue; }
        if (c.skipped !== undefined) { out.appendChild(el('pre', 'chunk gap', `[${c.skipped} bytes not reassembled: memory cap]`)); continue; }
        const bytes = Uint8Array.from(atob(c.data), (ch) => ch.charCodeAt(0));
        let text;
        if (fmt.value === 'hex') {
          const lines = [];
          for (let o = 0; o < bytes.length; o += 16) {
            const part = [...bytes.slice(o, o + 16)];
            lines.push(o.toString(16).padStart(8, '0') + '  ' + part.map((b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(48) + '  ' + part.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join(''));
          }
          text = lines.join('\n');
        } else {
          text = [...bytes].map((b) => (b === 10 || b === 9 || b === 13 || (b >= 32 && b < 127)) ? String.fromCharCode(b) : '.').join('');
        }
        const pre = el('pre', 'chunk ' + c.side, text);
        pre.dataset.frame = c.frame;
        pre.title = `frame ${c.frame}`;
        pre.addEventListener('click', () => select(c.frame));
        out.appendChild(pre);
      }
    };
    fmt.addEventListener('change', draw); dir.addEventListener('change', draw);
    draw();
    if (r.omitted_bytes) box.appendChild(el('p', 'muted', `${r.omitted_bytes} more bytes of this stream are not shown here (tcpwatch follow prints them all).`));
    cliText(box, r.text);
  },
  async flow(box) {
    const params = state.stream !== null ? { stream: state.stream } : {};
    const r = await api('flow', params);
    clear(box);
    box.appendChild(el('p', 'muted', state.stream !== null ? `Flow of tcp.stream ${state.stream}; click an arrow to select its packet.` : 'Flow of every conversation (select a TCP packet for one stream).'));
    const laneW = 260, left = 90, top = 40, step = 26;
    const n = Math.min(r.arrows.length, 2000);
    const W = left + Math.max(r.lanes.length, 2) * laneW, H = top + n * step + 20;
    const s = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'flow' });
    const defs = svg('defs');
    for (const k of ['handshake', 'data', 'close', 'reset', 'problem', 'other']) {
      const m = svg('marker', { id: 'ah-' + k, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 10, markerHeight: 10, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse', class: 'k-' + k });
      m.appendChild(svg('path', { d: 'M0,0 L10,5 L0,10 z' }));
      defs.appendChild(m);
    }
    s.appendChild(defs);
    const x = (lane) => left + lane * laneW + laneW / 2;
    r.lanes.forEach((name, i) => {
      s.appendChild(svg('text', { x: x(i), y: 16, 'text-anchor': 'middle' }, name));
      s.appendChild(svg('line', { x1: x(i), y1: 24, x2: x(i), y2: H, class: 'lane' }));
    });
    s.appendChild(svg('text', { x: 4, y: 16 }, 'time'));
    r.arrows.slice(0, n).forEach((a, i) => {
      const y = top + i * step;
      const g = svg('g', { 'data-frame': a.frame });
      g.appendChild(svg('text', { x: 4, y: y + 4 }, a.time.toFixed(6)));
      const x1 = x(a.from), x2 = x(a.to);
      g.appendChild(svg('line', { x1, y1: y, x2: x1 === x2 ? x2 + 30 : x2, y2: y, class: `arrow k-${a.kind}` + (a.frame === state.selected ? ' sel' : ''), 'marker-end': `url(#ah-${a.kind})` }));
      g.appendChild(svg('line', { x1, y1: y, x2: x1 === x2 ? x2 + 30 : x2, y2: y, class: 'arrow-hit' }));
      const t = svg('text', { x: (x1 + x2) / 2, y: y - 4, 'text-anchor': 'middle' }, a.label);
      g.appendChild(t);
      g.appendChild(svg('title', {}, `frame ${a.frame}: ${a.label}`));
      g.addEventListener('click', () => select(a.frame));
      s.appendChild(g);
    });
    box.appendChild(s);
    if (r.omitted || r.arrows.length > n) box.appendChild(el('p', 'muted', `${r.omitted + r.arrows.length - n} more arrows not drawn.`));
    cliText(box, r.text);
  },
  async http(box) {
    const r = await api('http');
    clear(box);
    box.appendChild(table(['stream', 'frames', 'method', 'host', 'uri', 'code', 'type', 'body'],
      r.transactions.map((t) => ({ t, cells: [t.stream, `${t.first_frame}-${t.last_frame}`, t.method ?? '-', t.host ?? '', t.uri ?? '(no request)', t.status ?? '-', t.content_type ?? '-', t.body_length ?? '-'] })),
      (row) => { setStream(row.t.stream); select(row.t.first_frame); }));
    cliText(box, r.text);
  },
  async scan(box) {
    const r = await api('scan');
    clear(box);
    if (!r.scans.length) box.appendChild(el('p', 'muted', 'No scans found.'));
    for (const s of r.scans) {
      box.appendChild(el('h3', null, `${s.title}: ${s.scanner} → ${s.target} (frames ${s.first_frame}–${s.last_frame})`));
      box.appendChild(table(['port', 'proto', 'state', 'service', 'reason', 'response', 'evidence frames'],
        s.ports.map((p) => ({ p, cells: [p.port, p.proto, p.state, p.service, p.reason, p.response ?? '-', p.frames.join(', ')] })),
        (row) => select(row.p.frames[row.p.frames.length - 1])));
    }
    cliText(box, r.text);
  },
  async expert(box) {
    const r = await api('expert');
    clear(box);
    const sev = Object.entries(r.severities).map(([k, v]) => `${k}: ${v}`).join(', ');
    box.appendChild(el('p', 'muted', `${r.total} items (${sev || 'none'}). Click one to select its packet.`));
    box.appendChild(table(['frame', 'severity', 'group', 'protocol', 'stream', 'message'],
      r.items.map((i) => ({ i, cells: [i.frame, { text: i.severity, cls: 'sev-' + i.severity }, i.group ?? '', i.protocol ?? '', i.stream ?? '', i.message] })),
      (row) => select(row.i.frame)));
  },
  async iograph(box) {
    clear(box);
    const bar = el('div', 'toolbar');
    const sel = el('select');
    for (const v of ['0.01', '0.1', '1', '10', '60']) { const o = el('option', null, v + ' s'); o.value = v; if (v === '1') o.selected = true; sel.appendChild(o); }
    bar.append('Interval', sel, el('span', 'muted', 'bars: packets per interval; red line: packets matching the display filter'));
    box.appendChild(bar);
    const area = el('div');
    box.appendChild(area);
    const draw = async () => {
      const r = await api('iograph', { interval: sel.value, filter: state.filter });
      clear(area);
      const n = r.packets.length, W = Math.max(600, Math.min(n * 8, 4000)) + 70, H = 260, left = 60, bottom = 30;
      const max = Math.max(1, ...r.packets);
      const s = svg('svg', { width: W, height: H });
      const bw = (W - left - 10) / Math.max(n, 1);
      for (let k = 0; k <= 4; k++) {
        const y = H - bottom - (H - bottom - 10) * k / 4;
        s.appendChild(svg('line', { x1: left, y1: y, x2: W - 10, y2: y, class: 'grid' }));
        s.appendChild(svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, Math.round(max * k / 4)));
      }
      r.packets.forEach((v, i) => {
        const h = (H - bottom - 10) * v / max;
        const b = svg('rect', { x: left + i * bw, y: H - bottom - h, width: Math.max(bw - 1, 1), height: h, class: 'bar' });
        b.appendChild(svg('title', {}, `${(i * r.interval).toFixed(2)} s: ${v} packets, ${r.bytes[i]} bytes`));
        s.appendChild(b);
      });
      if (r.matched) {
        const pts = r.matched.map((v, i) => `${left + i * bw + bw / 2},${H - bottom - (H - bottom - 10) * v / max}`).join(' ');
        s.appendChild(svg('polyline', { points: pts, class: 'bar2' }));
      }
      s.appendChild(svg('line', { x1: left, y1: H - bottom, x2: W - 10, y2: H - bottom, class: 'axis' }));
      const ticks = Math.min(n, 10);
      for (let k = 0; k <= ticks; k++) {
        const i = Math.round(n * k / Math.max(ticks, 1));
        s.appendChild(svg('text', { x: left + i * bw, y: H - 10, 'text-anchor': 'middle' }, (i * r.interval).toFixed(r.interval < 1 ? 2 : 0) + 's'));
      }
      area.appendChild(s);
      area.appendChild(el('p', 'muted', `${r.packets.reduce((a, b) => a + b, 0)} packets, ${r.bytes.reduce((a, b) => a + b, 0)} bytes, interval ${r.interval} s`));
    };
    sel.addEventListener('change', draw);
    await draw();
  },
  async tcpgraph(box) {
    if (state.stream === null) return needStream(box, 'sequence graph');
    const r = await api('tcpgraph', { stream: state.stream });
    clear(box);
    box.appendChild(el('p', 'muted', `tcp.stream ${state.stream}: sequence number against time (Stevens). Client segments blue, server red, green: the ACKs the server sent. Click a segment to select its packet.`));
    const pts = r.points;
    if (!pts.length) return;
    const W = 900, H = 300, left = 70, bottom = 30, top = 10;
    const tmax = Math.max(...pts.map((p) => p.time), 1e-6);
    const smax = Math.max(1, ...pts.map((p) => p.seq + p.len), ...pts.filter((p) => !p.client).map((p) => p.ack));
    const X = (t) => left + (W - left - 10) * t / tmax, Y = (v) => H - bottom - (H - bottom - top) * v / smax;
    const s = svg('svg', { width: W, height: H });
    for (let k = 0; k <= 4; k++) {
      s.appendChild(svg('line', { x1: left, y1: Y(smax * k / 4), x2: W - 10, y2: Y(smax * k / 4), class: 'grid' }));
      s.appendChild(svg('text', { x: left - 6, y: Y(smax * k / 4) + 4, 'text-anchor': 'end' }, Math.round(smax * k / 4)));
      s.appendChild(svg('text', { x: X(tmax * k / 4), y: H - 10, 'text-anchor': 'middle' }, (tmax * k / 4).toFixed(4) + 's'));
    }
    s.appendChild(svg('line', { x1: left, y1: H - bottom, x2: W - 10, y2: H - bottom, class: 'axis' }));
    const acks = pts.filter((p) => !p.client && p.flags.includes('ACK')).map((p) => `${X(p.time)},${Y(p.ack)}`).join(' ');
    if (acks) s.appendChild(svg('polyline', { points: acks, class: 'ackline' }));
    for (const p of pts) {
      if (!p.client && p.len === 0) continue;
      const y1 = Y(p.seq), y2 = Y(p.seq + Math.max(p.len, 1));
      const g = svg('g', { 'data-frame': p.frame });
      g.appendChild(svg('line', { x1: X(p.time), y1, x2: X(p.time), y2: Math.min(y2, y1 - 3), class: p.client ? 'seg-c' : 'seg-s' }));
      g.appendChild(svg('title', {}, `frame ${p.frame}: ${p.flags} seq ${p.seq} len ${p.len}`));
      g.addEventListener('click', () => select(p.frame));
      s.appendChild(g);
    }
    box.appendChild(s);
  },
  async explain(box) {
    clear(box);
    const bar = el('div', 'toolbar');
    const lang = el('select');
    for (const [v, t] of [['en', 'English'], ['nl', 'Nederlands']]) { const o = el('option', null, t); o.value = v; lang.appendChild(o); }
    lang.value = localStorage.getItem('tcpwatch.lang') || 'en';
    bar.append(el('strong', null, state.stream !== null ? `Conversation tcp.stream ${state.stream}` : 'Every conversation'), lang);
    box.appendChild(bar);
    const text = el('div', 'explain');
    box.appendChild(text);
    const draw = async () => {
      localStorage.setItem('tcpwatch.lang', lang.value);
      const params = { lang: lang.value };
      if (state.stream !== null) params.stream = state.stream;
      const r = await api('explain', params);
      text.textContent = r.text;
    };
    lang.addEventListener('change', draw);
    await draw();
  },
};

// ---------- status, live push, deep links, saving ----------
let lastStatus = {};
function updateStatus() {
  const s = lastStatus;
  const parts = [];
  if (state.filter) parts.push(`Displayed: ${state.matched} of ${state.total}`);
  else parts.push(`Packets: ${state.total}`);
  if (s.complete === false && !s.live) parts.push(s.file_size ? `indexing ${Math.floor(100 * s.bytes_read / s.file_size)}%` : 'indexing…');
  if (s.live) parts.push(`received ${s.received ?? 0}, dropped by kernel ${s.dropped ?? 0}`);
  if (state.marked.size) parts.push(`marked ${state.marked.size}`);
  $('status').textContent = parts.join(' · ');
}
function connect() {
  const ws = new WebSocket(`ws://${location.host}/api/live?token=${encodeURIComponent(TOKEN)}`);
  ws.onmessage = (ev) => {
    const m = JSON.parse(ev.data);
    const wasComplete = lastStatus.complete;
    lastStatus = m;
    const grew = m.total !== state.total;
    state.total = m.total;
    if (!state.filter) {
      // New rows go straight into the cache.
      m.frames.forEach((r, k) => {
        const i = m.first - 1 + k, p = Math.floor(i / PAGE);
        let page = state.pages.get(p);
        if (!page) { if (i % PAGE !== 0) return; page = []; state.pages.set(p, page); }
        if (page.length === i % PAGE) page.push(r);
      });
      state.matched = m.total;
    } else if ((grew && LIVE) || (m.complete && !wasComplete)) {
      // Live: the filter runs again over the new frames. A file: once, when the index is whole.
      state.generation++;
      api('frames', { filter: state.filter, skip: 0, limit: 0 }).then((r) => { state.matched = r.matched; state.pages.clear(); render(); updateStatus(); });
    }
    if (grew) {
      render();
      if (LIVE && state.follow) scrollToIndex(count() - 1, 'bottom');
    }
    updateStatus();
  };
  ws.onclose = () => { if (!lastStatus.complete || LIVE) setTimeout(connect, 1000); };
}
$('resume').addEventListener('click', () => { state.follow = true; $('resume').hidden = true; scrollToIndex(count() - 1, 'bottom'); });

function updateHash() {
  const p = new URLSearchParams();
  if (state.filter) p.set('filter', state.filter);
  if (state.selected) p.set('frame', state.selected);
  if (state.stream !== null) p.set('stream', state.stream);
  if (state.view !== 'details') p.set('view', state.view);
  history.replaceState(null, '', '#' + p.toString());
}
function saveURL(format, extra = {}) {
  const p = new URLSearchParams({ token: TOKEN, format, ...extra });
  return `/api/save?${p}`;
}
function updateSaveLinks() {
  $('save-pcap').href = saveURL('pcap', state.filter ? { filter: state.filter } : {});
  $('save-pcapng').href = saveURL('pcapng', state.filter ? { filter: state.filter } : {});
  $('save-marked').href = saveURL('pcapng', { frames: [...state.marked].join(',') });
}

async function start() {
  const h = new URLSearchParams(location.hash.slice(1));
  const filter = h.get('filter') || '';
  const frame = h.get('frame') ? +h.get('frame') : null;
  const stream = h.get('stream') !== null && h.get('stream') !== '' ? +h.get('stream') : null;
  const view = h.get('view') || 'details';
  lastStatus = await api('status');
  filterInput.value = filter;
  if (filter) await applyFilter(filter); else await reload();
  if (stream !== null) state.stream = stream;
  if (frame) {
    // A deep link may name a frame the index has not reached yet.
    for (let k = 0; k < 50 && state.total < frame && !lastStatus.complete; k++) {
      await new Promise((r) => setTimeout(r, 200));
      lastStatus = await api('status');
      state.total = lastStatus.frames;
    }
    await select(frame);
    if (stream !== null) state.stream = stream;
  }
  if (view !== 'details') await showView(view);
  updateSaveLinks();
  updateStatus();
  connect();
  list.focus();
  document.body.dataset.ready = '1';
}
start();
