extension DashboardAssets {
    /// The dashboard's script (`/dashboard/app.js`): routing, API calls, live streams and every page.
    static let script = ##"""
'use strict';
// agentspanc dashboard: one hand-written script, no framework. Everything shown comes from the public API
// (agent API, Conductor API, SSE); live updates arrive over server-sent events read with fetch(), so the API key
// travels in a header and never in a URL.

const main = document.getElementById('main');
const liveLabel = document.getElementById('live');
const STATUSES = ['RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'TIMED_OUT', 'TERMINATED'];
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'TIMED_OUT', 'TERMINATED']);
const FAILED_TASK = new Set(['FAILED', 'FAILED_WITH_TERMINAL_ERROR', 'TIMED_OUT', 'CANCELED']);
const SYSTEM_TYPES = new Set(['LLM_CHAT_COMPLETE', 'SWITCH', 'DO_WHILE', 'INLINE', 'SET_VARIABLE', 'FORK_JOIN_DYNAMIC',
  'FORK_JOIN', 'FORK', 'JOIN', 'SUB_WORKFLOW', 'HUMAN', 'TERMINATE', 'WAIT', 'DECISION']);
const INTERNAL_ARGS = new Set(['_agent_state', '__agentspan_ctx__', 'method', '_allowed_commands', '_tool_name']);

// ---------- small helpers ----------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}
function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const sleep = ms => new Promise(r => setTimeout(r, ms));
const json = v => JSON.stringify(v, null, 2);
const enc = encodeURIComponent;
function fmtTime(ms) { return ms ? new Date(ms).toLocaleString() : '—'; }
function fmtClock(ms) { return ms ? new Date(ms).toLocaleTimeString() : ''; }
function fmtDuration(ms) {
  if (ms === null || ms === undefined || ms < 0) return '—';
  if (ms < 1000) return ms + ' ms';
  const s = ms / 1000;
  if (s < 60) return s.toFixed(s < 10 ? 2 : 1) + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return m + ' min ' + Math.round(s % 60) + ' s';
  return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
}
function fmtNum(n) { return (n || 0).toLocaleString(); }
function badge(status) { return h('span', { class: 'badge s-' + status, dataset: { status } }, status); }
function text(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  return json(v);
}
function pre(v) { return h('pre', {}, text(v)); }
function compact(v) { return typeof v === 'string' ? v : JSON.stringify(v); }
function firstLine(s) { return (String(s || '').split('\n').find(l => l.trim()) || '').trim(); }
function debounce(fn, ms) {
  let t = null;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}
function toast(message, bad) {
  const el = h('div', { class: 'toast' + (bad ? ' bad' : ''), role: 'alert' }, message);
  document.body.append(el);
  setTimeout(() => el.remove(), bad ? 8000 : 3000);
}
function stripIteration(ref) { return String(ref).replace(/(__\d+)+$/, ''); }

// ---------- API access ----------

const KEY_NAME = 'agentspanc.apiKey';
let keyPrompt = null;

function apiKey() { return sessionStorage.getItem(KEY_NAME) || ''; }

/** Shows the key dialog once for all callers waiting on a 401; resolves when a key was entered. */
function askForKey(wrong) {
  if (keyPrompt) return keyPrompt;
  const dialog = document.getElementById('login');
  const error = document.getElementById('login-error');
  const input = document.getElementById('login-key');
  error.hidden = !wrong;
  error.textContent = wrong ? 'That key was refused. Try again.' : '';
  keyPrompt = new Promise(resolve => {
    const form = document.getElementById('login-form');
    form.onsubmit = e => {
      e.preventDefault();
      sessionStorage.setItem(KEY_NAME, input.value.trim());
      input.value = '';
      dialog.close();
      keyPrompt = null;
      resolve();
    };
    dialog.addEventListener('cancel', e => e.preventDefault(), { once: true });
  });
  if (!dialog.open) dialog.showModal();
  input.focus();
  return keyPrompt;
}

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

function headers(extra) {
  const hs = Object.assign({ Accept: 'application/json' }, extra || {});
  const key = apiKey();
  if (key) hs.Authorization = 'Bearer ' + key;
  return hs;
}

/** Same-origin JSON call; a 401 asks for the key and repeats the call. */
async function api(path, opts = {}) {
  const init = { method: opts.method || 'GET', headers: headers(), signal: opts.signal, credentials: 'same-origin' };
  if (opts.body !== undefined || init.method === 'POST') {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body === undefined ? {} : opts.body);
  }
  const res = await fetch(path, init);
  if (res.status === 401) {
    await askForKey(!!apiKey());
    return api(path, opts);
  }
  const body = await res.text();
  let data = body;
  try { data = body ? JSON.parse(body) : null; } catch (_) { /* plain text: an id */ }
  if (!res.ok) throw new ApiError(res.status, (data && (data.message || data.error)) || res.statusText);
  return data;
}

/** Resolves once the page is visible again (or `signal` aborts). */
function whenVisible(signal) {
  return new Promise(resolve => {
    const check = () => {
      if (document.hidden && !signal.aborted) return;
      document.removeEventListener('visibilitychange', check);
      signal.removeEventListener('abort', check);
      resolve();
    };
    document.addEventListener('visibilitychange', check);
    signal.addEventListener('abort', check);
    check();
  });
}

/**
 * Reads a server-sent event stream with fetch() (so the key goes in a header). Reconnects with Last-Event-ID
 * until `signal` aborts or the server ends the stream after a terminal event (`endsAfter(event)` true; then `onEnd`).
 * A hidden tab lets go of its connection and reconnects when shown (`onOpen(true)`: events may have been missed),
 * so tabs in the background do not use up the browser's six connections to the server.
 */
function sse(path, { signal, onEvent, onOpen, onDrop, endsAfter, onEnd, after }) {
  let lastId = after || 0;
  (async () => {
    let delay = 500;
    let resumed = false;
    while (!signal.aborted) {
      if (document.hidden) {
        await whenVisible(signal);
        if (signal.aborted) return;
        resumed = true;
      }
      let finished = false;
      const connection = new AbortController();
      const abort = () => connection.abort();
      const hide = () => { if (document.hidden) connection.abort(); };
      signal.addEventListener('abort', abort);
      document.addEventListener('visibilitychange', hide);
      try {
        const extra = { Accept: 'text/event-stream' };
        if (lastId) extra['Last-Event-ID'] = String(lastId);
        const res = await fetch(path, { headers: headers(extra), signal: connection.signal, cache: 'no-store' });
        if (res.status === 401) { await askForKey(!!apiKey()); continue; }
        if (!res.ok) throw new ApiError(res.status, 'stream refused');
        if (onOpen) onOpen(resumed);
        resumed = false;
        delay = 500;
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const event = { type: 'message', data: '' };
            for (const line of frame.split('\n')) {
              if (line.startsWith(':')) continue;
              const i = line.indexOf(':');
              const field = i < 0 ? line : line.slice(0, i);
              const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
              if (field === 'id') event.id = +value;
              else if (field === 'event') event.type = value;
              else if (field === 'data') event.data += value;
            }
            if (!event.data) continue;
            if (event.id) lastId = event.id;
            let data;
            try { data = JSON.parse(event.data); } catch (_) { continue; }
            onEvent(event.type, data, event.id);
            if (endsAfter && endsAfter(event.type, data)) finished = true;
          }
        }
      } catch (e) {
        if (signal.aborted) return;
      } finally {
        signal.removeEventListener('abort', abort);
        document.removeEventListener('visibilitychange', hide);
      }
      if (signal.aborted) return;
      if (finished) { if (onEnd) onEnd(); return; }
      if (document.hidden) { if (onDrop) onDrop(); continue; }
      if (onDrop) onDrop();
      await sleep(delay);
      delay = Math.min(delay * 2, 8000);
    }
  })();
}

// ---------- routing ----------

let page = null;

function navigate(url, replace) {
  history[replace ? 'replaceState' : 'pushState'](null, '', url);
  render();
}

document.addEventListener('click', e => {
  const a = e.target.closest('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.origin !== location.origin || a.target || a.hasAttribute('download')) return;
  const href = a.getAttribute('href') || '';
  if (href.startsWith('#')) return;
  e.preventDefault();
  navigate(a.href);
});
window.addEventListener('popstate', render);

function render() {
  if (page) page.abort();
  page = new AbortController();
  const signal = page.signal;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  let m;
  for (const a of document.querySelectorAll('[data-nav]')) a.removeAttribute('aria-current');
  const nav = name => { const a = document.querySelector(`[data-nav="${name}"]`); if (a) a.setAttribute('aria-current', 'page'); };
  main.replaceChildren();
  setLive(false, '');
  let run;
  if (path === '/' || path === '/executions') { nav('executions'); run = executionsPage(signal); }
  else if ((m = path.match(/^\/executions\/([^/]+)$/))) { nav('executions'); run = executionPage(decodeURIComponent(m[1]), signal); }
  else if (path === '/agents') { nav('agents'); run = agentsPage(signal); }
  else if ((m = path.match(/^\/agents\/([^/]+)$/))) { nav('agents'); run = agentPage(decodeURIComponent(m[1]), signal); }
  else if (path === '/compare') { nav('compare'); run = comparePage(signal); }
  else { main.append(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '/' }, 'Executions'))); return; }
  run.catch(e => {
    if (signal.aborted) return;
    main.append(h('div', { class: 'banner', role: 'alert' }, e.message || String(e)));
  });
}

function setLive(on, label) {
  liveLabel.classList.toggle('on', !!on);
  liveLabel.textContent = label;
}

// ---------- executions (home) ----------

function listState() {
  const p = new URLSearchParams(location.search);
  return {
    agent: p.get('agent') || '', status: (p.get('status') || '').split(',').filter(Boolean),
    from: p.get('from') || '', to: p.get('to') || '', q: p.get('q') || '',
    rootOnly: p.get('rootOnly') !== 'false', start: Math.max(0, +p.get('start') || 0), size: +p.get('size') || 25,
  };
}
function listURL(s) {
  const p = new URLSearchParams();
  if (s.agent) p.set('agent', s.agent);
  if (s.status.length) p.set('status', s.status.join(','));
  if (s.from) p.set('from', s.from);
  if (s.to) p.set('to', s.to);
  if (s.q) p.set('q', s.q);
  if (!s.rootOnly) p.set('rootOnly', 'false');
  if (s.start) p.set('start', s.start);
  if (s.size !== 25) p.set('size', s.size);
  const q = p.toString();
  return '/' + (q ? '?' + q : '');
}
function searchQuery(s) {
  const p = new URLSearchParams({ start: s.start, size: s.size, rootOnly: s.rootOnly });
  if (s.agent) p.set('agent', s.agent);
  if (s.status.length) p.set('status', s.status.join(','));
  if (s.from) p.set('from', new Date(s.from).getTime());
  if (s.to) p.set('to', new Date(s.to).getTime());
  if (s.q) p.set('q', s.q);
  return '/api/agent/executions/search?' + p;
}

function executionRow(r, selected, onSelect) {
  const tokens = r.tokens || {};
  return h('tr', { dataset: { id: r.executionId, status: r.status } },
    h('td', {}, h('input', {
      type: 'checkbox', 'aria-label': 'Select for comparison', checked: selected.has(r.executionId),
      onchange: e => onSelect(r.executionId, e.target.checked),
    })),
    h('td', {}, h('a', { href: '/executions/' + enc(r.executionId), class: 'agent-link' }, r.agentName),
      r.parentExecutionId ? h('div', { class: 'muted' }, 'sub-agent') : null),
    h('td', { class: 'status' }, badge(r.status)),
    h('td', {}, fmtTime(r.startTime || r.createTime)),
    h('td', { class: 'num' }, r.durationMs === null ? (r.status === 'RUNNING' ? 'running' : '—') : fmtDuration(r.durationMs)),
    h('td', {}, (r.models || []).join(', ') || '—'),
    h('td', { class: 'num tokens', title: `prompt ${fmtNum(tokens.promptTokens)} · completion ${fmtNum(tokens.completionTokens)}` },
      fmtNum(tokens.totalTokens)),
    h('td', { class: 'prompt', title: r.promptFirstLine || '' }, r.promptFirstLine || h('span', { class: 'muted' }, '—')));
}

async function executionsPage(signal) {
  const s = listState();
  const selected = new Set();
  const agentSelect = h('select', { id: 'f-agent', name: 'agent' }, h('option', { value: '' }, 'any agent'));
  if (s.agent) agentSelect.append(h('option', { value: s.agent, selected: true }, s.agent));
  api('/api/agent/list', { signal }).then(list => {
    for (const a of list || []) if (a.name !== s.agent) agentSelect.append(h('option', { value: a.name }, a.name));
  }).catch(() => {});
  const statusBoxes = STATUSES.map(st => h('label', {}, h('input', { type: 'checkbox', name: 'status', value: st, checked: s.status.includes(st) }), st));
  const form = h('form', { class: 'panel row', role: 'search', id: 'filters' },
    h('div', {}, h('label', { for: 'f-agent' }, 'Agent'), agentSelect),
    h('fieldset', {}, h('legend', {}, 'Status'), statusBoxes),
    h('div', {}, h('label', { for: 'f-from' }, 'From'), h('input', { id: 'f-from', name: 'from', type: 'datetime-local', value: s.from })),
    h('div', {}, h('label', { for: 'f-to' }, 'To'), h('input', { id: 'f-to', name: 'to', type: 'datetime-local', value: s.to })),
    h('div', {}, h('label', { for: 'f-q' }, 'Prompt or output contains'), h('input', { id: 'f-q', name: 'q', type: 'search', value: s.q })),
    h('label', { class: 'check' }, h('input', { id: 'f-root', type: 'checkbox', name: 'rootOnly', checked: s.rootOnly }), 'Hide sub-agent executions'),
    h('button', { type: 'submit', class: 'primary' }, 'Search'),
    h('button', { type: 'button', onclick: () => navigate('/') }, 'Reset'));
  form.addEventListener('submit', e => {
    e.preventDefault();
    const f = new FormData(form);
    navigate(listURL({
      agent: f.get('agent') || '', status: f.getAll('status'), from: f.get('from') || '', to: f.get('to') || '',
      q: (f.get('q') || '').trim(), rootOnly: !!f.get('rootOnly'), start: 0, size: s.size,
    }));
  });
  const tbody = h('tbody', { id: 'executions' });
  const summary = h('span', { id: 'total', class: 'muted' });
  const prev = h('button', { type: 'button', onclick: () => navigate(listURL({ ...s, start: Math.max(0, s.start - s.size) })) }, '← Newer');
  const next = h('button', { type: 'button', onclick: () => navigate(listURL({ ...s, start: s.start + s.size })) }, 'Older →');
  const compare = h('button', {
    type: 'button', disabled: true, id: 'compare-selected',
    onclick: () => { const [a, b] = [...selected]; navigate(`/compare?a=${enc(a)}&b=${enc(b)}`); },
  }, 'Compare selected');
  const onSelect = (id, on) => {
    if (on) selected.add(id); else selected.delete(id);
    compare.disabled = selected.size !== 2;
  };
  main.append(h('h1', {}, 'Executions'), form,
    h('table', { 'aria-label': 'Executions' },
      h('thead', {}, h('tr', {}, h('th', {}, h('span', { class: 'muted' }, '⇄')), h('th', {}, 'Agent'), h('th', {}, 'Status'),
        h('th', {}, 'Started'), h('th', { class: 'num' }, 'Duration'), h('th', {}, 'Models'), h('th', { class: 'num' }, 'Tokens'),
        h('th', {}, 'Prompt'))),
      tbody),
    h('div', { class: 'pager' }, prev, next, summary, compare));

  let shown = new Set();
  let newest = 0;
  async function load() {
    const data = await api(searchQuery(s), { signal });
    const rows = data.results || [];
    shown = new Set(rows.map(r => r.executionId));
    newest = Math.max(0, ...rows.map(r => r.createTime || 0));
    tbody.replaceChildren(...rows.map(r => executionRow(r, selected, onSelect)));
    if (!rows.length) tbody.append(h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No executions match.')));
    const end = s.start + rows.length;
    summary.textContent = data.totalHits ? `${s.start + 1}–${end} of ${fmtNum(data.totalHits)}` : '0 executions';
    summary.dataset.total = data.totalHits;
    prev.disabled = s.start === 0;
    next.disabled = end >= data.totalHits;
  }
  await load();
  // The benchmark reads this: navigation → first rows drawn.
  if (!performance.getEntriesByName('executions-rendered').length) performance.mark('executions-rendered');
  const reload = debounce(() => load().catch(() => {}), 250);
  const matches = r => (!s.agent || r.agentName === s.agent) && (!s.status.length || s.status.includes(r.status)) &&
    (!s.rootOnly || !r.parentExecutionId) && (!s.from || r.createTime >= new Date(s.from).getTime()) &&
    (!s.to || r.createTime <= new Date(s.to).getTime());
  sse('/api/agent/events', {
    signal,
    onOpen: resumed => { setLive(true, 'live'); if (resumed) reload(); },
    onDrop: () => setLive(false, 'reconnecting…'),
    onEvent: (type, r) => {
      if (type !== 'execution') return;
      if (shown.has(r.executionId)) {
        const old = tbody.querySelector(`tr[data-id="${CSS.escape(r.executionId)}"]`);
        if (old) { const row = executionRow(r, selected, onSelect); row.classList.add('fresh'); old.replaceWith(row); }
        if (s.q || !matches(r)) reload();
      } else if (s.start === 0 && matches(r) && r.createTime > newest) {
        // Only a newer execution changes the first page; changes of older ones off the page cost nothing.
        newest = r.createTime;
        reload();
      }
    },
  });
}

// ---------- execution ----------

function isTool(t) {
  const type = (t.workflowTask && t.workflowTask.type) || t.taskType;
  if (SYSTEM_TYPES.has(type) || String(t.referenceTaskName).startsWith('_fw_')) return false;
  const input = t.inputData || {};
  if (type === 'HTTP' || type === 'CALL_MCP_TOOL') return input.method !== undefined;
  return input.method !== undefined || input._agent_state !== undefined || input._tool_name !== undefined;
}
function toolName(t) {
  const input = t.inputData || {};
  return input.method || input._tool_name || (t.outputData || {}).function || t.taskDefName || t.taskType;
}
function toolArgs(t) {
  const input = t.inputData || {};
  if (t.taskType === 'CALL_MCP_TOOL') return input.arguments || {};
  const args = {};
  for (const [k, v] of Object.entries(input)) if (!INTERNAL_ARGS.has(k)) args[k] = v;
  return args;
}
function isLLM(t) { return t.taskType === 'LLM_CHAT_COMPLETE' || (t.workflowTask && t.workflowTask.type === 'LLM_CHAT_COMPLETE'); }
function agentOf(name) {
  let n = stripIteration(name).replace(/_swarm_wf$/, '').replace(/_wf$/, '');
  const m = n.match(/^.*_(?:handoff|agent|step|sequential|parallel|round_robin|router|swarm|random|manual|transfer)_\d+_(.+)$/);
  return m ? m[1] : n;
}

/** Follows failed sub-workflows down to the task that failed first. */
async function rootCause(wf, signal) {
  const failed = (wf.tasks || []).filter(t => FAILED_TASK.has(t.status) && !t.retried);
  const task = failed[failed.length - 1] || (wf.tasks || []).filter(t => FAILED_TASK.has(t.status)).pop();
  if (!task) return null;
  if (task.subWorkflowId) {
    try {
      const child = await api(`/api/workflow/${enc(task.subWorkflowId)}?includeTasks=true`, { signal });
      const deeper = await rootCause(child, signal);
      if (deeper) return deeper;
    } catch (_) { /* the child is gone; the parent's task is the cause we know */ }
  }
  return { workflow: wf, task };
}

async function executionPage(id, signal) {
  const crumbs = h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' });
  const header = h('section', { id: 'header' });
  const banner = h('div', { id: 'error-banner' });
  const human = h('div', { id: 'human' });
  const actions = h('div', { id: 'actions', class: 'panel' });
  const timeline = h('ol', { class: 'timeline', id: 'timeline', 'aria-live': 'polite' });
  const panes = {
    timeline: h('div', {}, timeline),
    llm: h('div', { id: 'llm-calls' }),
    tools: h('div', { id: 'tool-calls' }),
    graph: h('div', { id: 'graph' }),
    gantt: h('div', { id: 'gantt' }),
    agents: h('div', { id: 'sub-agents' }),
    json: h('div', { id: 'raw' }),
  };
  const labels = { timeline: 'Timeline', llm: 'LLM calls', tools: 'Tool calls', graph: 'Graph', gantt: 'Gantt', agents: 'Sub-agents', json: 'JSON' };
  const tabButtons = {};
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Execution views' });
  function select(name, focus) {
    for (const [k, b] of Object.entries(tabButtons)) {
      b.setAttribute('aria-selected', String(k === name));
      b.tabIndex = k === name ? 0 : -1;
      panes[k].hidden = k !== name;
    }
    if (focus) tabButtons[name].focus();
  }
  const names = Object.keys(panes);
  for (const k of names) {
    panes[k].id = panes[k].id || 'pane-' + k;
    panes[k].setAttribute('role', 'tabpanel');
    panes[k].setAttribute('aria-labelledby', 'tab-' + k);
    tabButtons[k] = h('button', { type: 'button', role: 'tab', id: 'tab-' + k, 'aria-controls': panes[k].id, onclick: () => select(k) }, labels[k]);
    tabButtons[k].addEventListener('keydown', e => {
      const i = names.indexOf(k);
      if (e.key === 'ArrowRight') { e.preventDefault(); select(names[(i + 1) % names.length], true); }
      if (e.key === 'ArrowLeft') { e.preventDefault(); select(names[(i - 1 + names.length) % names.length], true); }
    });
    tabs.append(tabButtons[k]);
  }
  main.append(crumbs, header, banner, human, actions, tabs, ...Object.values(panes));
  select('timeline');

  let wf = await api(`/api/workflow/${enc(id)}?includeTasks=true`, { signal });
  // Breadcrumb: the chain of parents up to the top-level execution.
  const chain = [];
  let parent = wf.parentWorkflowId;
  while (parent && chain.length < 20) {
    const p = await api(`/api/workflow/${enc(parent)}?includeTasks=false`, { signal });
    chain.unshift(p);
    parent = p.parentWorkflowId;
  }
  crumbs.append(h('a', { href: '/' }, 'Executions'), h('span', { class: 'sep' }, '›'));
  for (const p of chain) crumbs.append(h('a', { href: '/executions/' + enc(p.workflowId), class: 'crumb' }, agentOf(p.workflowName)), h('span', { class: 'sep' }, '›'));
  crumbs.append(h('span', { 'aria-current': 'page' }, agentOf(wf.workflowName)));
  const rootId = chain.length ? chain[0].workflowId : wf.workflowId;

  let children = new Set();
  async function refresh() {
    wf = await api(`/api/workflow/${enc(id)}?includeTasks=true`, { signal });
    children = new Set((wf.tasks || []).filter(t => t.subWorkflowId).map(t => t.subWorkflowId));
    const found = await api(`/api/agent/executions/search?ids=${enc(id)}&size=1`, { signal });
    const summary = (found.results || [])[0] || {};
    renderHeader(summary);
    await renderBanner();
    await renderHuman();
    renderActions();
    renderLLM(panes.llm, wf);
    renderTools(panes.tools, wf);
    renderGraph(panes.graph, wf);
    renderGantt(panes.gantt, wf);
    renderSubAgents(panes.agents, wf);
    panes.json.replaceChildren(pre(wf));
    jumpToHash();
    // A retried or restarted execution runs again: its stream, ended by the terminal event, opens anew.
    if (!streaming && !TERMINAL.has(wf.status)) openStream();
  }

  function renderHeader(summary) {
    const tokens = summary.tokens || {};
    const output = wf.output || {};
    const end = wf.endTime || (TERMINAL.has(wf.status) ? wf.updateTime : Date.now());
    header.replaceChildren(
      h('h1', {}, agentOf(wf.workflowName), ' ', badge(wf.status)),
      h('dl', { class: 'facts panel' },
        h('div', {}, h('dt', {}, 'Agent'), h('dd', {}, wf.workflowName)),
        h('div', {}, h('dt', {}, 'Started'), h('dd', {}, fmtTime(wf.startTime || wf.createTime))),
        h('div', {}, h('dt', {}, 'Duration'), h('dd', { id: 'duration' }, fmtDuration(end - (wf.startTime || wf.createTime)))),
        h('div', {}, h('dt', {}, 'Tokens (with sub-agents)'), h('dd', { id: 'tokens', title: `prompt ${fmtNum(tokens.promptTokens)} · completion ${fmtNum(tokens.completionTokens)}` },
          `${fmtNum(tokens.totalTokens)} (${fmtNum(tokens.promptTokens)} in / ${fmtNum(tokens.completionTokens)} out)`)),
        h('div', {}, h('dt', {}, 'Models'), h('dd', {}, (summary.models || []).join(', ') || '—')),
        h('div', {}, h('dt', {}, 'Finish reason'), h('dd', { id: 'finish' }, output.finishReason || '—')),
        budgetFact(),
        h('div', {}, h('dt', {}, 'Execution id'), h('dd', {}, h('code', {}, wf.workflowId)))),
      wf.input && wf.input.prompt ? h('details', { class: 'panel' }, h('summary', {}, 'Prompt'), pre(wf.input.prompt)) : '',
      TERMINAL.has(wf.status) && output.result !== undefined ? h('details', { class: 'panel', open: wf.status === 'COMPLETED' }, h('summary', {}, 'Output'), pre(output.result)) : '');
  }

  // Spend so far against each limit of the agent's budget (`budget:`), or nothing for an agent without one.
  function budgetFact() {
    const spent = (wf.variables || {})._budget_spent;
    const check = (wf.tasks || []).filter(t => t.taskType === 'INLINE' && stripIteration(t.referenceTaskName).endsWith('_budget')).pop();
    if (!spent || !check) return '';
    const limits = (check.inputData || {}).limits || {};
    const parts = [];
    if (limits.maxTokens != null) parts.push(`tokens ${fmtNum(spent.tokens)} / ${fmtNum(limits.maxTokens)}`);
    if (limits.maxCostUSD != null) parts.push(`cost $${Number(spent.costUSD || 0).toFixed(4)} / $${limits.maxCostUSD}`);
    if (limits.maxToolCalls != null) parts.push(`tool calls ${spent.toolCalls || 0} / ${limits.maxToolCalls}`);
    if (limits.maxWallSeconds != null) parts.push(`time ${Number(spent.wallSeconds || 0).toFixed(1)} s / ${limits.maxWallSeconds} s`);
    return h('div', {}, h('dt', {}, 'Budget'), h('dd', { id: 'budget' }, parts.join(' · ')));
  }

  async function renderBanner() {
    if (!['FAILED', 'TIMED_OUT', 'TERMINATED'].includes(wf.status)) { banner.replaceChildren(); return; }
    const cause = await rootCause(wf, signal);
    const parts = [h('strong', {}, wf.status + ': '), wf.reasonForIncompletion || 'the execution did not complete'];
    if (cause) {
      const inChild = cause.workflow.workflowId !== wf.workflowId;
      const where = `${inChild ? 'in sub-agent ' + agentOf(cause.workflow.workflowName) + ', ' : ''}step ${stripIteration(cause.task.referenceTaskName)}`;
      parts.push(h('div', {}, 'Root cause ', where, ': ', cause.task.reasonForIncompletion || cause.task.status, ' ',
        h('a', { href: `/executions/${enc(cause.workflow.workflowId)}#task-${cause.task.taskId}`, id: 'jump-to-failure' }, 'Jump to the failed step')));
    }
    try {
      const status = await api(`/api/agent/${enc(id)}/status`, { signal });
      for (const failure of status.errors || []) parts.push(specLocation(failure.location, failure.message));
    } catch (_) { /* the banner still names the failed step */ }
    banner.replaceChildren(h('div', { class: 'banner', role: 'alert' }, parts));
  }

  async function renderHuman() {
    const waitingHuman = (wf.tasks || []).some(t => t.taskType === 'HUMAN' && t.status === 'IN_PROGRESS');
    if (!waitingHuman) { human.replaceChildren(); delete human.dataset.ref; return; }
    const status = await api(`/api/agent/${enc(id)}/status`, { signal });
    const pending = status.pendingTool;
    if (!status.isWaiting || !pending) { human.replaceChildren(); delete human.dataset.ref; return; }
    // The same question stays on screen as it is (with whatever the user typed) while other events arrive.
    if (human.dataset.ref === pending.taskRefName && human.firstChild) return;
    human.dataset.ref = pending.taskRefName;
    human.replaceChildren(humanForm(pending, async body => {
      await api(`/api/agent/${enc(id)}/respond`, { method: 'POST', body });
      toast('Answer sent');
      human.replaceChildren();
      scheduleRefresh();
    }));
  }

  function renderActions() {
    // Re-drawn only when the status changes, so a half-typed message or reason survives live updates.
    if (actions.dataset.status === wf.status) return;
    actions.dataset.status = wf.status;
    const act = (label, fn, cls) => h('button', {
      type: 'button', class: cls, dataset: { action: label.toLowerCase().replace(/[^a-z]+/g, '-') },
      onclick: async e => {
        e.target.disabled = true;
        try { await fn(); } catch (err) { toast(err.message, true); } finally { e.target.disabled = false; }
        scheduleRefresh();
      },
    }, label);
    const items = [];
    const base = `/api/agent/${enc(id)}`;
    if (wf.status === 'RUNNING') {
      items.push(act('Stop', () => api(base + '/stop', { method: 'POST' }).then(() => toast('Stop requested'))));
      items.push(act('Pause', () => api(base + '/pause', { method: 'PUT' })));
    }
    if (wf.status === 'PAUSED') items.push(act('Resume', () => api(base + '/resume', { method: 'PUT' }), 'primary'));
    if (wf.status === 'RUNNING' || wf.status === 'PAUSED') {
      items.push(act('Cancel', () => {
        const reason = cancelReason.value.trim() || 'Cancelled from the dashboard';
        return api(`${base}/cancel?reason=${enc(reason)}`, { method: 'DELETE' });
      }, 'danger'));
    }
    if (['FAILED', 'TIMED_OUT', 'TERMINATED'].includes(wf.status)) {
      items.push(act('Retry from the failed task', () => api(`/api/workflow/${enc(id)}/retry`, { method: 'POST' }), 'primary'));
    }
    if (TERMINAL.has(wf.status)) {
      items.push(act('Re-run with the same input', async () => {
        const newId = await api('/api/workflow', { method: 'POST', body: { name: wf.workflowName, version: wf.workflowVersion, input: wf.input, correlationId: wf.correlationId } });
        navigate('/executions/' + enc(String(newId).trim()));
      }));
    }
    const cancelReason = h('input', { id: 'cancel-reason', type: 'text', placeholder: 'reason (optional)', 'aria-label': 'Cancel reason' });
    const signalText = h('input', { id: 'signal-text', type: 'text', placeholder: 'message for the agent', 'aria-label': 'Message to inject' });
    const row = h('div', { class: 'row' }, items);
    if (wf.status === 'RUNNING' || wf.status === 'PAUSED') {
      row.append(cancelReason);
      row.append(h('form', {
        class: 'row', onsubmit: async e => {
          e.preventDefault();
          if (!signalText.value.trim()) return;
          try { await api(base + '/signal', { method: 'POST', body: { message: signalText.value.trim() } }); toast('Message injected'); signalText.value = ''; }
          catch (err) { toast(err.message, true); }
        },
      }, signalText, h('button', { type: 'submit', dataset: { action: 'signal' } }, 'Signal')));
    }
    actions.replaceChildren(h('h2', { class: 'sr' }, 'Actions'), items.length ? row : h('span', { class: 'muted' }, 'No actions for a ' + wf.status + ' execution.'));
  }

  const scheduleRefresh = debounce(() => refresh().catch(e => { if (!signal.aborted) toast(e.message, true); }), 200);
  let jumped = false;
  function jumpToHash() {
    const m = location.hash.match(/^#task-(.+)$/);
    if (!m || jumped) return;
    const target = document.getElementById('task-' + m[1]);
    if (!target) return;
    select(target.closest('#tool-calls') ? 'tools' : 'gantt');
    for (const el of document.querySelectorAll('.target')) el.classList.remove('target');
    target.classList.add('target');
    target.tabIndex = -1;
    target.scrollIntoView({ block: 'center' });
    target.focus({ preventScroll: true });
    jumped = true;
  }

  // The timeline: every event so far from the journal, then live ones, over the execution's SSE stream. A
  // sub-agent's events travel on its top-level execution's stream.
  const seen = new Set();
  let streaming = false;
  let lastEventId = 0;
  await refresh();
  if (!streaming) openStream();
  function openStream() {
   streaming = true;
   sse(`/api/agent/stream/${enc(rootId)}`, {
    signal,
    after: lastEventId,
    onEnd: () => { streaming = false; scheduleRefresh(); },
    onOpen: resumed => { setLive(true, 'live'); if (resumed) scheduleRefresh(); },
    onDrop: () => setLive(false, 'reconnecting…'),
    endsAfter: (type, e) => e.executionId === rootId && (type === 'done' || (type === 'error' && e.toolName === 'workflow')),
    onEvent: (type, e, frameId) => {
      if (frameId) lastEventId = Math.max(lastEventId, frameId);
      if (seen.has(e.id)) return;
      seen.add(e.id);
      const mine = e.executionId === id || (rootId === id) || children.has(e.executionId);
      if (mine) timeline.append(timelineItem(e, id));
      scheduleRefresh();
    },
   });
  }
}

/** Where in the spec a failure comes from, compiler-style (`specs/ops_agent.yaml:14:7: error: …`); the file as the
 * client that deployed the spec recorded it. */
function specLocation(loc, message) {
  if (!loc || !loc.file) return null;
  return h('div', { class: 'spec-location' }, h('code', {}, `${loc.file}:${loc.line}:${loc.column}: error: ${message || ''}`),
    loc.kind ? h('span', { class: 'muted' }, ' (' + loc.kind + ')') : null);
}

function timelineItem(e, pageId) {
  const head = (kind, ...rest) => h('div', { class: 'ev-head' }, h('span', { class: 'ev-kind' }, kind), ...rest, h('span', { class: 'ev-time' }, fmtClock(e.timestamp)));
  const where = e.executionId !== pageId ? h('a', { href: '/executions/' + enc(e.executionId), class: 'muted' }, 'in sub-agent') : null;
  let body;
  switch (e.type) {
    case 'thinking': body = [head('Thinking', where), h('div', { class: 'ev-body' }, e.content)]; break;
    case 'tool_call': body = [head('Tool call', h('code', {}, e.toolName), e.effect ? h('span', { class: 'effect' }, e.effect) : '', where), pre(e.args)]; break;
    case 'tool_result': body = [head('Tool result', h('code', {}, e.toolName), where), pre(e.result)]; break;
    case 'handoff': body = [head('Handoff', '→ ', h('a', { href: '/executions/' + enc(e.executionId), class: 'handoff-link' }, e.target))]; break;
    case 'waiting': {
      const p = e.pendingTool || {};
      body = [head('Waiting', where), p.tool_name ? h('div', {}, 'for approval of ', h('code', {}, p.tool_name), ' ', h('code', {}, JSON.stringify(p.parameters || {})))
        : h('div', { class: 'muted' }, Object.keys(p).length ? 'for a person\'s answer' : 'paused')];
      break;
    }
    case 'guardrail_pass': body = [head('Guardrail passed', h('code', {}, e.guardrailName), where)]; break;
    case 'guardrail_fail': body = [head('Guardrail failed', h('code', {}, e.guardrailName), where), h('div', { class: 'ev-body' }, e.content || ''), specLocation(e.location, e.content)]; break;
    case 'budget_exhausted': body = [head('Budget exhausted', where), h('div', { class: 'ev-body' }, e.content || '')]; break;
    case 'context_condensed': body = [head('Context condensed', where), h('div', {}, `${e.messagesBefore} → ${e.messagesAfter} messages (${e.exchangesCondensed} exchanges summarised); ${e.content || ''}`)]; break;
    case 'error': body = [head('Error', e.toolName ? h('code', {}, e.toolName) : null, where), h('div', { class: 'ev-body error-text' }, e.content || ''), specLocation(e.location, e.content)]; break;
    case 'done': body = [head('Done'), pre((e.output || {}).result !== undefined ? e.output.result : e.output)]; break;
    default: body = [head(e.type, where), pre(e)];
  }
  return h('li', { class: 't-' + e.type, dataset: { type: e.type, tool: e.toolName || '' } }, body);
}

function humanForm(pending, send) {
  const schema = pending.response_schema || {};
  const props = schema.properties || {};
  const box = h('section', { class: 'human', 'aria-labelledby': 'human-title' });
  const guard = async (fn, btn) => { btn.disabled = true; try { await fn(); } catch (e) { toast(e.message, true); btn.disabled = false; } };
  if (props.selected && props.selected.enum) {
    const picker = h('select', { id: 'pick-agent' }, props.selected.enum.map(n => h('option', { value: n }, n)));
    const btn = h('button', { type: 'submit', class: 'primary' }, 'Let this agent speak');
    box.append(h('h2', { id: 'human-title' }, 'Select the next agent'),
      h('form', { class: 'row', onsubmit: e => { e.preventDefault(); guard(() => send({ selected: picker.value }), btn); } },
        h('div', {}, h('label', { for: 'pick-agent' }, props.selected.description || 'Agent'), picker), btn));
  } else if (props.edited_output) {
    const edited = h('textarea', { id: 'edited-output', 'aria-label': 'Edited output' }, text((pending.parameters || {}).llm_output || ''));
    const reason = h('input', { id: 'reject-reason', type: 'text', placeholder: 'reason', 'aria-label': 'Rejection reason' });
    const approve = h('button', { type: 'button', class: 'primary', id: 'approve', onclick: () => guard(() => send({ approved: true }), approve) }, 'Approve as is');
    const edit = h('button', { type: 'button', id: 'edit', onclick: () => guard(() => send({ approved: false, edited_output: edited.value }), edit) }, 'Send edited output');
    const reject = h('button', { type: 'button', class: 'danger', id: 'reject', onclick: () => guard(() => send({ approved: false, reason: reason.value || 'Rejected from the dashboard' }), reject) }, 'Reject');
    box.append(h('h2', { id: 'human-title' }, 'Guardrail review'), pending._description ? h('p', {}, pending._description) : '',
      edited, h('div', { class: 'row' }, approve, edit, reason, reject));
  } else if (pending.tool_name) {
    const reason = h('input', { id: 'reject-reason', type: 'text', placeholder: 'reason for rejecting', 'aria-label': 'Rejection reason' });
    const approve = h('button', { type: 'button', class: 'primary', id: 'approve', onclick: () => guard(() => send({ approved: true }), approve) }, 'Approve');
    const reject = h('button', { type: 'button', class: 'danger', id: 'reject', onclick: () => guard(() => send({ approved: false, reason: reason.value || 'Rejected from the dashboard' }), reject) }, 'Reject');
    box.append(h('h2', { id: 'human-title' }, 'Approve tool call ', h('code', {}, pending.tool_name)),
      pre(pending.parameters || {}), h('div', { class: 'row' }, approve, reason, reject));
  } else {
    const area = h('textarea', { id: 'human-json', 'aria-label': 'Answer (JSON object)' }, '{}');
    const btn = h('button', { type: 'submit', class: 'primary' }, 'Send');
    box.append(h('h2', { id: 'human-title' }, 'A person\'s answer is expected'), schema.properties ? pre(schema) : '',
      h('form', { onsubmit: e => { e.preventDefault(); let body; try { body = JSON.parse(area.value); } catch (_) { toast('The answer is not JSON', true); return; } guard(() => send(body), btn); } }, area, btn));
  }
  return box;
}

function messageText(m) {
  const v = m.message !== undefined ? m.message : m.content;
  return text(v);
}

function renderLLM(pane, wf) {
  const calls = (wf.tasks || []).filter(isLLM);
  if (!calls.length) { pane.replaceChildren(h('p', { class: 'muted' }, 'No LLM calls in this execution (see its sub-agents).')); return; }
  const open = new Set([...pane.querySelectorAll('details[open]')].map(d => d.dataset.key));
  pane.replaceChildren(...calls.map((t, i) => {
    const input = t.inputData || {}, out = t.outputData || {};
    const chat = h('div', { class: 'chat' });
    if (input.instructions) chat.append(h('div', { class: 'msg system' }, h('div', { class: 'role' }, 'system'), h('div', { class: 'text' }, input.instructions)));
    for (const m of input.messages || []) {
      const role = m.role || 'user';
      const calls = (m.toolCalls || []).map(c => h('div', {}, '→ ', h('code', {}, c.name), ' ', h('code', {}, JSON.stringify(Object.fromEntries(Object.entries(c.inputParameters || {}).filter(([k]) => !INTERNAL_ARGS.has(k)))))));
      chat.append(h('div', { class: 'msg ' + role }, h('div', { class: 'role' }, role === 'tool_call' ? 'assistant (tool calls)' : role + (m.name ? ' · ' + m.name : '')),
        messageText(m) ? h('div', { class: 'text' }, messageText(m)) : null, calls));
    }
    const answerCalls = (out.toolCalls || []).map(c => h('div', {}, '→ ', h('code', {}, c.name), ' ', h('code', {}, JSON.stringify(Object.fromEntries(Object.entries(c.inputParameters || {}).filter(([k]) => !INTERNAL_ARGS.has(k)))))));
    const answer = h('div', { class: 'msg answer' }, h('div', { class: 'role' }, 'answer' + (out.finishReason ? ' · ' + out.finishReason : '')),
      out.reasoning ? h('details', {}, h('summary', {}, 'reasoning'), h('div', { class: 'text' }, out.reasoning)) : null,
      out.result !== undefined && text(out.result) ? h('div', { class: 'text' }, text(out.result)) : null, answerCalls,
      FAILED_TASK.has(t.status) ? h('div', { class: 'error-text' }, t.reasonForIncompletion || t.status) : null);
    const key = t.taskId;
    const latency = t.endTime && t.startTime ? t.endTime - t.startTime : null;
    return h('article', { class: 'card llm-call', id: 'llm-' + t.taskId, dataset: { ref: t.referenceTaskName } },
      h('div', { class: 'card-head' }, h('strong', {}, `#${i + 1} ${stripIteration(t.referenceTaskName)}`), badge(t.status),
        h('span', {}, h('code', {}, `${input.llmProvider || ''}/${input.model || ''}`)),
        h('span', {}, `${fmtNum(out.promptTokens)} prompt · ${fmtNum(out.completionTokens)} completion tokens`),
        h('span', {}, 'latency ', fmtDuration(latency))),
      h('details', { dataset: { key }, open: open.has(key) || i === calls.length - 1 }, h('summary', {}, `Conversation sent (${(input.messages || []).length + (input.instructions ? 1 : 0)} messages)`), chat),
      answer);
  }));
}

function diffKeys(a, b) {
  const keys = new Set([...Object.keys(a || {}), ...Object.keys(b || {})]);
  return [...keys].filter(k => JSON.stringify((a || {})[k]) !== JSON.stringify((b || {})[k]));
}

function renderTools(pane, wf) {
  const groups = new Map();
  for (const t of (wf.tasks || []).filter(isTool)) {
    const ref = t.referenceTaskName;
    if (!groups.has(ref)) groups.set(ref, []);
    groups.get(ref).push(t);
  }
  if (!groups.size) { pane.replaceChildren(h('p', { class: 'muted' }, 'No tool calls in this execution.')); return; }
  pane.replaceChildren(...[...groups.values()].map(attempts => {
    attempts.sort((a, b) => (a.seq || 0) - (b.seq || 0));
    const last = attempts[attempts.length - 1];
    const wait = t => (t.startTime && t.scheduledTime ? t.startTime - t.scheduledTime : null);
    const took = t => (t.endTime && t.startTime ? t.endTime - t.startTime : null);
    const rows = attempts.map((t, i) => {
      const changed = i === 0 ? [] : [
        ...diffKeys(toolArgs(attempts[i - 1]), toolArgs(t)).map(k => 'argument ' + k),
        ...diffKeys(attempts[i - 1].outputData, t.outputData).map(k => 'output ' + k),
        ...(attempts[i - 1].workerId !== t.workerId ? ['worker'] : []),
        ...(attempts[i - 1].reasonForIncompletion !== t.reasonForIncompletion ? ['reason'] : []),
      ];
      return h('tr', { id: 'task-' + t.taskId, class: 'attempt' }, h('td', {}, String(i + 1)), h('td', {}, badge(t.status)),
        h('td', {}, t.workerId || '—'), h('td', { class: 'num' }, fmtDuration(wait(t))), h('td', { class: 'num' }, fmtDuration(took(t))),
        h('td', {}, t.reasonForIncompletion || ''), h('td', {}, i === 0 ? '—' : (changed.join(', ') || 'nothing')));
    });
    return h('article', { class: 'card tool-call', dataset: { tool: toolName(last) } },
      h('div', { class: 'card-head' }, h('strong', {}, toolName(last)), badge(last.status),
        h('span', {}, 'worker ', h('code', {}, last.workerId || '—')), h('span', {}, 'queue wait ', fmtDuration(wait(last))),
        h('span', {}, 'took ', fmtDuration(took(last))), h('span', { class: 'muted' }, `${attempts.length} attempt${attempts.length > 1 ? 's' : ''}`)),
      h('h3', {}, 'Arguments'), pre(toolArgs(last)),
      h('h3', {}, 'Result'), pre(last.outputData && last.outputData.result !== undefined ? last.outputData.result : last.outputData),
      h('details', { open: attempts.length > 1 }, h('summary', {}, 'Attempts'),
        h('table', {}, h('thead', {}, h('tr', {}, ['#', 'Outcome', 'Worker', 'Queue wait', 'Duration', 'Reason', 'Changed since previous'].map(c => h('th', {}, c)))), h('tbody', {}, rows))));
  }));
}

function renderGraph(pane, wf) {
  const def = wf.workflowDefinition;
  if (!def) { pane.replaceChildren(h('p', { class: 'muted' }, 'No definition stored.')); return; }
  const state = new Map();
  for (const t of wf.tasks || []) state.set(stripIteration(t.referenceTaskName), t.status);
  const node = wt => {
    const st = state.get(wt.taskReferenceName) || 'NOT_STARTED';
    return h('div', { class: 'gnode st-' + st, title: st, dataset: { ref: wt.taskReferenceName, state: st } }, wt.name || wt.taskReferenceName, h('span', { class: 'gtype' }, `${wt.type} · ${st.toLowerCase().replace(/_/g, ' ')}`));
  };
  const seq = list => (list || []).map(wt => {
    if (wt.type === 'SWITCH' || wt.type === 'DECISION') {
      const cases = Object.entries(wt.decisionCases || {});
      if (wt.defaultCase && wt.defaultCase.length) cases.push(['default', wt.defaultCase]);
      return h('div', { class: 'gbox' }, node(wt), h('div', { class: 'gbranches' }, cases.map(([k, ts]) => h('div', { class: 'gbranch' }, h('span', { class: 'glabel' }, k), seq(ts)))));
    }
    if (wt.type === 'FORK_JOIN' || wt.type === 'FORK') {
      return h('div', { class: 'gbox' }, node(wt), h('div', { class: 'gbranches' }, (wt.forkTasks || []).map((ts, i) => h('div', { class: 'gbranch' }, h('span', { class: 'glabel' }, 'branch ' + (i + 1)), seq(ts)))));
    }
    if (wt.type === 'DO_WHILE') return h('div', { class: 'gbox' }, h('span', { class: 'glabel' }, 'loop'), node(wt), seq(wt.loopOver));
    return node(wt);
  });
  pane.replaceChildren(h('p', { class: 'muted' }, `Compiled workflow ${def.name} v${def.version || 1}: each task coloured by its latest state.`), h('div', { class: 'graph' }, seq(def.tasks)));
}

function renderGantt(pane, wf) {
  const tasks = (wf.tasks || []).filter(t => t.scheduledTime || t.startTime);
  if (!tasks.length) { pane.replaceChildren(h('p', { class: 'muted' }, 'No tasks yet.')); return; }
  const t0 = Math.min(...tasks.map(t => t.scheduledTime || t.startTime));
  const now = Date.now();
  const t1 = Math.max(...tasks.map(t => t.endTime || (FAILED_TASK.has(t.status) || t.status === 'COMPLETED' ? t.updateTime || t.startTime : now)), t0 + 1);
  const pct = v => ((v - t0) / (t1 - t0) * 100).toFixed(3) + '%';
  const grid = h('div', { class: 'gantt', role: 'list' });
  for (const t of tasks) {
    const sched = t.scheduledTime || t.startTime, start = t.startTime || sched, end = t.endTime || (t.status === 'IN_PROGRESS' || t.status === 'SCHEDULED' ? now : start);
    const label = `${stripIteration(t.referenceTaskName)} (${t.taskType}) ${t.status}: queue ${fmtDuration(start - sched)}, ran ${fmtDuration(end - start)}`;
    grid.append(h('div', { class: 'glabel', title: label }, isTool(t) ? toolName(t) : stripIteration(t.referenceTaskName)),
      h('div', { class: 'track', id: 'task-' + t.taskId, role: 'listitem', 'aria-label': label, title: label },
        start > sched ? h('div', { class: 'bar queue', style: null, dataset: { l: pct(sched), w: pct(t0 + start - sched) } }) : null,
        h('div', { class: 'bar run-' + t.status, dataset: { l: pct(start), w: pct(t0 + Math.max(end - start, 0)) } })));
  }
  // Positions through the CSSOM (the content security policy allows no inline style attributes).
  for (const bar of grid.querySelectorAll('.bar')) { bar.style.left = bar.dataset.l; bar.style.width = bar.dataset.w; }
  pane.replaceChildren(h('p', { class: 'muted' }, `0 → ${fmtDuration(t1 - t0)}; grey: waiting in the queue, colour: running or done.`), grid);
}

function renderSubAgents(pane, wf) {
  const subs = (wf.tasks || []).filter(t => t.subWorkflowId);
  if (!subs.length) { pane.replaceChildren(h('p', { class: 'muted' }, 'No sub-agent executions.')); return; }
  pane.replaceChildren(h('ul', {}, subs.map(t => h('li', {},
    h('a', { href: '/executions/' + enc(t.subWorkflowId), class: 'sub-agent-link' }, agentOf((t.workflowTask && t.workflowTask.subWorkflowParam && t.workflowTask.subWorkflowParam.name) || t.referenceTaskName)),
    ' ', badge(t.status), ' ', h('span', { class: 'muted' }, stripIteration(t.referenceTaskName))))));
}

// ---------- agents ----------

async function agentsPage(signal) {
  const list = await api('/api/agent/list', { signal });
  main.append(h('h1', {}, 'Agents'));
  if (!list.length) { main.append(h('p', { class: 'muted' }, 'No agents deployed yet: `agentspanc start SPEC PROMPT` or `agentspanc run SPEC PROMPT` deploys one.')); return; }
  main.append(h('table', { 'aria-label': 'Agents' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Agent'), h('th', {}, 'Version'), h('th', {}, 'Description'), h('th', {}, 'Updated'))),
    h('tbody', {}, list.map(a => h('tr', { dataset: { agent: a.name } },
      h('td', {}, h('a', { href: '/agents/' + enc(a.name) }, a.name)), h('td', { class: 'num' }, String(a.version || 1)),
      h('td', {}, a.description || ''), h('td', {}, fmtTime(a.updateTime || a.createTime)))))));
}

async function agentPage(name, signal) {
  const [plan, recent] = await Promise.all([
    api(`/api/agent/${enc(name)}/plan`, { signal }),
    api(`/api/agent/executions/search?agent=${enc(name)}&size=10`, { signal }),
  ]);
  const prompt = h('textarea', { id: 'run-prompt', required: true, 'aria-label': 'Prompt' });
  const runButton = h('button', { type: 'submit', class: 'primary', id: 'run-agent' }, 'Run');
  const form = h('form', { class: 'panel' }, h('h2', {}, 'Run'), h('label', { for: 'run-prompt' }, 'Prompt'), prompt, h('div', { class: 'row' }, runButton));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    runButton.disabled = true;
    try {
      const agentConfig = await api(`/api/agent/${enc(name)}`, { signal });
      const started = await api('/api/agent/start', { method: 'POST', body: { agentConfig, prompt: prompt.value } });
      navigate('/executions/' + enc(started.executionId));
    } catch (err) { toast(err.message, true); runButton.disabled = false; }
  });
  const reach = (label, list) => h('div', {}, h('dt', {}, label), h('dd', {}, list.length ? list.join(', ') : 'none'));
  // Which workers polled each worker tool lately (what they run is in the outline, as they registered it).
  const served = (plan.workerTools || []).map(t => h('li', { class: 'worker-tool', dataset: { tool: t.name } },
    h('code', {}, t.name), ' ', h('span', { class: 'muted' }, 'of ' + t.agent + ': '),
    h('span', { class: 'muted' }, t.workers.length
      ? 'polled by ' + t.workers.map(w => `${w.workerId}${w.domain ? ' (domain ' + w.domain + ')' : ''} at ${fmtClock(w.lastPollTime)}`).join(', ')
      : 'no worker has polled it since the server started')));
  main.append(h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '/agents' }, 'Agents'), h('span', { class: 'sep' }, '›'), h('span', { 'aria-current': 'page' }, name)),
    h('h1', {}, name), plan.description ? h('p', {}, plan.description) : '',
    h('section', { class: 'panel', id: 'plan' }, h('h2', {}, 'Outline'), h('pre', { class: 'outline' }, plan.lines.join('\n')),
      h('h3', {}, 'Reach'), h('dl', { class: 'kv' }, reach('models', plan.models), reach('commands', plan.commands), reach('plugins', plan.plugins), reach('hosts', plan.hosts)),
      served.length ? h('h3', {}, 'Served by') : '', served.length ? h('ul', { class: 'served', id: 'served' }, served) : ''),
    form,
    h('h2', {}, 'Recent executions'),
    h('table', { 'aria-label': 'Recent executions' }, h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'Agent'), h('th', {}, 'Status'), h('th', {}, 'Started'), h('th', { class: 'num' }, 'Duration'), h('th', {}, 'Models'), h('th', { class: 'num' }, 'Tokens'), h('th', {}, 'Prompt'))),
      h('tbody', {}, (recent.results || []).map(r => executionRow(r, new Set(), () => {})))),
    h('p', {}, h('a', { href: '/?agent=' + enc(name) }, `All executions of ${name} (${fmtNum(recent.totalHits)})`)));
}

// ---------- compare ----------

/** The path an execution took: its LLM calls, tool calls and sub-agents in order, sub-agents expanded. */
async function pathOf(id, signal, depth = 0) {
  const wf = await api(`/api/workflow/${enc(id)}?includeTasks=true`, { signal });
  const agent = agentOf(wf.workflowName);
  const steps = [];
  const tasks = (wf.tasks || []).filter(t => !t.retried).sort((a, b) => (a.seq || 0) - (b.seq || 0));
  for (const t of tasks) {
    const took = t.endTime && t.startTime ? t.endTime - t.startTime : null;
    if (isLLM(t)) {
      const out = t.outputData || {};
      steps.push({ kind: 'llm', agent, name: `${(t.inputData || {}).llmProvider || ''}/${(t.inputData || {}).model || ''}`, depth,
        output: (out.toolCalls || []).length ? 'calls ' + out.toolCalls.map(c => c.name).join(', ') : firstLine(text(out.result)),
        tokens: out.tokenUsed || ((out.promptTokens || 0) + (out.completionTokens || 0)), duration: took, status: t.status });
    } else if (isTool(t)) {
      const out = t.outputData || {};
      steps.push({ kind: 'tool', agent, name: toolName(t), args: toolArgs(t), depth,
        output: compact(out.result !== undefined ? out.result : out), duration: took, status: t.status });
    } else if (t.subWorkflowId && depth < 6) {
      const child = await pathOf(t.subWorkflowId, signal, depth + 1);
      steps.push({ kind: 'agent', agent, name: child.agent, depth, status: t.status, duration: took, tokens: child.tokens });
      steps.push(...child.steps);
    }
  }
  return { wf, agent, steps, tokens: steps.filter(s => s.kind === 'llm').reduce((n, s) => n + (s.tokens || 0), 0) };
}

/** Longest common subsequence of the two paths by (kind, agent, name). */
function align(a, b) {
  const key = s => `${s.kind}|${s.agent}|${s.name}`;
  const n = a.length, m = b.length;
  const L = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = key(a[i]) === key(b[j]) ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const pairs = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && key(a[i]) === key(b[j])) pairs.push([a[i++], b[j++]]);
    else if (j >= m || (i < n && L[i + 1][j] >= L[i][j + 1])) pairs.push([a[i++], null]);
    else pairs.push([null, b[j++]]);
  }
  return pairs;
}

function stepCell(s, other) {
  if (!s) return h('td', { class: 'missing' }, 'not in this run');
  const mark = (differs, field, content) => h('span', { class: differs ? 'diff' : null, dataset: { field, differs: differs ? 'yes' : null } }, content);
  const parts = [h('div', {}, h('span', { class: 'step-kind' }, s.kind), h('strong', {}, s.name), ' ', h('span', { class: 'muted' }, s.agent), ' ', mark(other && other.status !== s.status, 'status', badge(s.status)))];
  if (s.args) {
    const keys = [...new Set([...Object.keys(s.args), ...Object.keys((other && other.args) || {})])];
    parts.push(h('div', { class: 'args' }, keys.filter(k => k in s.args).map(k => {
      const differs = !!other && JSON.stringify(s.args[k]) !== JSON.stringify((other.args || {})[k]);
      return h('span', { class: differs ? 'diff' : null, dataset: { field: 'arg', arg: k, differs: differs ? 'yes' : null } }, h('code', {}, `${k}: ${JSON.stringify(s.args[k])}`));
    })));
  }
  if (s.output !== undefined) parts.push(h('div', {}, mark(!!other && other.output !== s.output, 'output', firstLine(s.output).slice(0, 240) || '—')));
  const facts = [];
  if (s.tokens !== undefined) facts.push(mark(!!other && other.tokens !== s.tokens, 'tokens', `${fmtNum(s.tokens)} tokens`));
  facts.push(h('span', { class: 'muted' }, ' · ' + fmtDuration(s.duration)));
  parts.push(h('div', {}, facts));
  return h('td', { class: 'step', style: null }, parts);
}

async function comparePage(signal) {
  const p = new URLSearchParams(location.search);
  const a = h('input', { id: 'cmp-a', name: 'a', value: p.get('a') || '', required: true, size: 38 });
  const b = h('input', { id: 'cmp-b', name: 'b', value: p.get('b') || '', required: true, size: 38 });
  const form = h('form', { class: 'panel row' }, h('div', {}, h('label', { for: 'cmp-a' }, 'Execution A'), a), h('div', {}, h('label', { for: 'cmp-b' }, 'Execution B'), b), h('button', { type: 'submit', class: 'primary' }, 'Compare'));
  form.addEventListener('submit', e => { e.preventDefault(); navigate(`/compare?a=${enc(a.value.trim())}&b=${enc(b.value.trim())}`); });
  main.append(h('h1', {}, 'Compare two executions'), form);
  if (!p.get('a') || !p.get('b')) { main.append(h('p', { class: 'muted' }, 'Pick two executions (tick two rows on the Executions page, or paste two ids).')); return; }
  const [pa, pb] = await Promise.all([pathOf(p.get('a'), signal), pathOf(p.get('b'), signal)]);
  const pairs = align(pa.steps, pb.steps);
  const differing = pairs.filter(([x, y]) => !x || !y || JSON.stringify([x.args, x.output, x.status]) !== JSON.stringify([y.args, y.output, y.status])).length;
  const head = (path, id) => h('th', {}, h('a', { href: '/executions/' + enc(id) }, path.agent), ' ', badge(path.wf.status), h('div', { class: 'muted' },
    `${fmtNum(path.tokens)} tokens · ${fmtDuration((path.wf.endTime || Date.now()) - (path.wf.startTime || path.wf.createTime))} · ${path.steps.length} steps`),
    h('div', { class: 'muted' }, firstLine((path.wf.input || {}).prompt)));
  main.append(h('p', { id: 'compare-summary' }, `${pairs.length} aligned steps, ${differing} with differences (marked).`),
    h('table', { class: 'compare', 'aria-label': 'Aligned steps' }, h('thead', {}, h('tr', {}, head(pa, p.get('a')), head(pb, p.get('b')))),
      h('tbody', {}, pairs.map(([x, y]) => h('tr', { class: 'pair' }, stepCell(x, y), stepCell(y, x))))));
}

render();
"""##
}
