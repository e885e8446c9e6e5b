// The live queue: a snapshot, then numbered deltas (one by one or coalesced); actions go through the HTTP API.
// New mentions never move the agent's selection: they wait under "N new — press . to show". Rendering is
// batched to one frame, and the selected row stays where it is on screen while others come and go.
import { liveSocket, relativeTime } from "./live.js";
import { createDetail } from "./triage-detail.js";
import { BAND, BAND_WORD, KIND, KIND_CODE, api, compact, el, get } from "./triage-util.js";

const root = document.getElementById("main");
const rowsEl = document.getElementById("rows");
const scroller = rowsEl.parentElement;
const newbar = document.getElementById("newbar");
const templates = JSON.parse(document.getElementById("reply-templates").textContent);
const curatedTags = JSON.parse(document.getElementById("curated-tags").textContent);
const me = root.dataset.me;
const firstLineOnly = root.dataset.firstLine === "1";

const mentions = new Map();   // id -> mention, everything shown
let pending = new Map();      // id -> mention, arrived but not shown yet
const chosen = new Set();     // ids selected for a bulk action
let seq = null;               // last applied sequence number
let buffered = [];            // deltas that arrived ahead of a gap
let gapTimer = null;
let selectedId = null;
let stats = {};
let presence = [];            // [{user}], as of presenceSeq
let presenceSeq = null;
let presenceAhead = [];       // presence deltas that arrived ahead of a gap
let presenceGapTimer = null;
let frame = null;
let rowsDirty = true;         // false while only the "new" bar and the figures changed
window.triageRenders = 0;     // how often the rows were redrawn (the burst test reads it)
let socket;

function say(message, cls = "") {
  const line = document.getElementById("action-status");
  if (line) { line.textContent = message; line.className = `status-line ${cls}`; }
}

const detail = createDetail({
  root: document.getElementById("detail"), me, firstLineOnly, templates, curatedTags, say,
  onAction: (action, local) => { if (local) { merge(local); schedule(); } else act(action); },
});

// ---- applying server messages ------------------------------------------------
function applySnapshot(msg) {
  mentions.clear();
  pending = new Map();
  for (const m of msg.mentions) mentions.set(m.id, m);
  seq = msg.seq;
  buffered = buffered.filter((d) => d.seq > seq);
  stats = msg.stats;
  for (const id of [...chosen]) if (!mentions.has(id)) chosen.delete(id);
  if (selectedId !== null && !mentions.has(selectedId)) select(null);
  else if (selectedId !== null) detail.update(mentions.get(selectedId));
  drainBuffer();
  schedule();
}

function applyDelta(delta) {
  for (const m of delta.mentions) {
    const known = mentions.get(m.id) || pending.get(m.id);
    if (mentions.has(m.id) || (delta.kind === "new" && mentions.size === 0)) rowsDirty = true;
    if (known && m.tags === undefined) m.tags = known.tags;
    if (delta.kind === "resolved" || delta.kind === "dismissed") {
      if (known && known.status !== "replied") adjustUnanswered(-1, m);
      mentions.delete(m.id); pending.delete(m.id); chosen.delete(m.id);
    } else if (delta.kind === "new") {
      if (known) continue;
      m.tags ??= [];
      adjustUnanswered(+1, m);
      if (mentions.size === 0) mentions.set(m.id, m); else pending.set(m.id, m);
    } else {
      if (delta.kind === "replied" && known && known.status !== "replied") adjustUnanswered(-1, m);
      if (pending.has(m.id)) pending.set(m.id, m); else mentions.set(m.id, m);
    }
    if (m.id === selectedId) {
      if (mentions.has(m.id)) { detail.update(m); detail.refreshSoon(); } else say(`This mention was ${delta.kind} by someone else.`, "warn");
    }
  }
}

function adjustUnanswered(by, m) {
  if (stats.unanswered === undefined) return;
  stats.unanswered += by;
  if (m.band === 1) stats.p1 += by;
}

function onDelta(delta) {
  if (seq === null || delta.seq <= seq) return;  // already in the snapshot
  buffered.push(delta);
}

function drainBuffer() {
  buffered.sort((a, b) => a.seq - b.seq);
  while (buffered.length && buffered[0].seq <= seq + 1) {
    const d = buffered.shift();
    if (d.seq === seq + 1) { applyDelta(d); seq = d.seq; }
  }
  clearTimeout(gapTimer);
  // A gap: deltas from two workers can cross on the way; give the missing one a
  // moment, then ask for a fresh snapshot.
  if (buffered.length) gapTimer = setTimeout(() => socket.send({ type: "resync" }), 800);
}

// Presence: the whole list on connect, then numbered deltas (who came online, who went). A missing
// number gets the same grace as the queue's, then the whole list again.
function onPresence(msg) {
  if (msg.type === "queue.presence") { presence = msg.agents; presenceSeq = msg.seq; }
  else if (presenceSeq !== null && msg.seq > presenceSeq) presenceAhead.push(msg);
  presenceAhead = presenceAhead.filter((d) => d.seq > presenceSeq).sort((a, b) => a.seq - b.seq);
  while (presenceAhead.length && presenceAhead[0].seq === presenceSeq + 1) {
    const d = presenceAhead.shift();
    const gone = new Set([...d.joined, ...d.left]);
    presence = [...presence.filter((p) => !gone.has(p.user)), ...d.joined.map((user) => ({ user }))]
      .sort((a, b) => a.user.localeCompare(b.user));
    presenceSeq = d.seq;
  }
  clearTimeout(presenceGapTimer);
  if (presenceAhead.length) presenceGapTimer = setTimeout(() => socket.send({ type: "presence.resync" }), 800);
  schedule(false);
}

// ---- rendering (at most once a frame) ----------------------------------------
function schedule(rows = true) {
  if (rows) rowsDirty = true;
  if (frame === null) frame = requestAnimationFrame(() => { frame = null; render(); });
}

function unchecked(box) { return new Set([...document.querySelectorAll(`#${box} input:not(:checked)`)].map((i) => i.value)); }

function filters() {
  const bands = new Set([...document.querySelectorAll("input[name=band]:checked")].map((i) => Number(i.value)));
  const topics = unchecked("topics"), platforms = unchecked("platforms"), langs = unchecked("langs");
  const tags = new Set([...document.querySelectorAll("#tagfacet input:checked")].map((i) => i.value));
  const q = document.getElementById("search").value.trim().toLowerCase();
  const mine = document.getElementById("mine").checked;
  const hideClaimed = document.getElementById("hide-claimed").checked;
  return (m) => bands.has(m.band) && !topics.has(m.topic) && !platforms.has(m.platform) && !langs.has(m.lang || "–")
    && (!tags.size || (m.tags || []).some((t) => tags.has(t)))
    && (!mine || m.claimed_by === me) && (!hideClaimed || !m.claimed_by || m.claimed_by === me)
    && (!q || m.text.toLowerCase().includes(q) || `@${m.author.handle}`.toLowerCase().includes(q));
}

function visible() {
  const keep = filters();
  return [...mentions.values()].filter(keep).sort((a, b) => a.queue_key.localeCompare(b.queue_key));
}

function row(m) {
  const who = el("span", { class: "who" }, `@${m.author.handle} `,
    el("small", { text: `${compact(m.author.followers)} `, title: `${m.author.followers.toLocaleString()} followers` }));
  if (KIND_CODE[m.author.kind]) who.append(el("abbr", { class: "kind", title: KIND[m.author.kind], text: KIND_CODE[m.author.kind] }));
  if (m.claimed_by) who.append(el("span", { class: m.claimed_by === me ? "holder mine" : "holder", text: `${m.status === "replied" ? "replied" : "claimed"} · ${m.claimed_by === me ? "you" : m.claimed_by}` }));
  const text = el("span", { class: "text" }, m.text);
  for (const t of m.tags || []) text.prepend(el("span", { class: "chip small", text: t }), " ");
  const li = el("li", { role: "option", id: `m-${m.id}`, "data-id": m.id, "aria-selected": String(m.id === selectedId),
    class: [m.status === "replied" ? "replied" : "", chosen.has(m.id) ? "chosen" : ""].join(" ").trim() || undefined },
    el("span", { class: "mark", "aria-hidden": "true", text: chosen.has(m.id) ? "✓" : "" }),
    el("span", { class: `band band-${m.band}`, title: `${BAND[m.band]} ${BAND_WORD[m.band]}`, text: BAND[m.band] }),
    who, text,
    el("time", { class: "age", datetime: m.ingested_at, title: new Date(m.ingested_at).toLocaleString(), text: relativeTime(m.ingested_at) }));
  if (chosen.has(m.id)) li.setAttribute("aria-label", `selected for bulk: @${m.author.handle}`);
  li.addEventListener("click", (e) => { if (e.shiftKey) toggleChosen(m.id); else select(m.id); });
  return li;
}

function facet(containerId, name, values) {
  const box = document.getElementById(containerId);
  const wasUnchecked = new Set([...box.querySelectorAll("input:not(:checked)")].map((i) => i.value));
  const wasChecked = new Set([...box.querySelectorAll("input:checked")].map((i) => i.value));
  const counts = new Map();
  for (const v of values) counts.set(v, (counts.get(v) || 0) + 1);
  const key = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([v, n]) => `${v}:${n}`).join("|");
  if (box.dataset.key === key) return;  // nothing changed: leave the checkboxes (and focus) alone
  box.dataset.key = key;
  const tagFacet = name === "tag";  // tags filter in (show only these); the others filter out
  box.replaceChildren(...[...counts.entries()].sort((a, b) => b[1] - a[1]).map(([value, n]) => {
    const input = el("input", { type: "checkbox", name, value });
    input.checked = tagFacet ? wasChecked.has(value) : !wasUnchecked.has(value);
    input.addEventListener("change", schedule);
    return el("label", {}, input, ` ${value} `, el("span", { class: "count", text: String(n) }));
  }));
}

function render() {
  if (rowsDirty) renderRows();
  document.getElementById("empty").hidden = mentions.size > 0;
  newbar.textContent = pending.size ? `▲ ${pending.size} new — press . to show` : "Up to date: new mentions will wait here";
  newbar.classList.toggle("show", pending.size > 0);
  for (const [id, key] of [["stat-unanswered", "unanswered"], ["stat-p1", "p1"], ["stat-breaches", "breaches"]]) {
    document.getElementById(id).textContent = stats[key] ?? "–";
  }
  document.getElementById("stat-breaches-box").classList.toggle("bad", Boolean(stats.breaches));
  renderBulkbar();
  renderCapacity();
  renderPresence();
}

function renderRows() {
  rowsDirty = false;
  window.triageRenders += 1;
  const list = visible();
  // Keep the selected row still on screen while rows above it come and go.
  const anchor = document.getElementById(`m-${selectedId}`);
  const before = anchor ? anchor.offsetTop - scroller.scrollTop : null;
  const top = scroller.scrollTop;
  rowsEl.replaceChildren(...list.map(row));
  const after = document.getElementById(`m-${selectedId}`);
  scroller.scrollTop = after && before !== null ? after.offsetTop - before : top;
  const all = [...mentions.values()];
  facet("topics", "topic", all.map((m) => m.topic));
  facet("platforms", "platform", all.map((m) => m.platform));
  facet("langs", "lang", all.map((m) => m.lang || "–"));
  facet("tagfacet", "tag", all.flatMap((m) => m.tags || []));
}

function renderBulkbar() {
  const bar = document.getElementById("bulkbar");
  bar.hidden = chosen.size === 0;
  document.getElementById("bulk-count").textContent = String(chosen.size);
}

function renderCapacity() {
  const c = stats.capacity;
  if (!c) return;
  const verdict = c.backlog === 0 ? "nothing waiting"
    : c.clear_minutes === null ? (c.more_hands !== null ? `not clearing · +${c.more_hands} hands clear it within the SLA` : "not clearing yet")
    : `clears in ${c.clear_minutes} min${c.more_hands ? `; +${c.more_hands} hands to meet the SLA` : ""}`;
  document.getElementById("capacity").replaceChildren(
    `in ${c.in_per_min}/min · handled ${c.out_per_min}/min · ${c.agents} agent${c.agents === 1 ? "" : "s"} · `,
    el("b", { class: c.keeping_up ? "ok" : c.backlog ? "bad" : "", text: verdict }));
}

function renderPresence() {
  const box = document.getElementById("presence");
  if (!presence.length) { box.textContent = "–"; return; }
  // What each holds is counted from the queue on screen, so it follows every claim without another message.
  const held = new Map();
  for (const m of mentions.values()) if (m.claimed_by) held.set(m.claimed_by, (held.get(m.claimed_by) || 0) + 1);
  box.replaceChildren(...presence.flatMap((p, i) => {
    const n = held.get(p.user) || 0;
    return [i ? ", " : "", el("span", { class: "agent", title: n ? `holds ${n}` : "holds nothing" },
      el("span", { class: "dot", "aria-hidden": "true", text: "● " }), p.user === me ? "you" : p.user,
      n ? el("span", { class: "muted", text: ` (${n})` }) : "")];
  }));
}

// ---- actions -----------------------------------------------------------------
function merge(m) {
  if (!m) return;
  pending.delete(m.id);
  const known = mentions.get(m.id);
  if (known && m.tags === undefined) m.tags = known.tags;
  if (["resolved", "dismissed"].includes(m.status)) mentions.delete(m.id); else mentions.set(m.id, m);
  if (m.id === selectedId && mentions.has(m.id)) detail.update(m);
}

async function act(action) {
  const id = selectedId;
  if (id === null || !action) return;
  const { ok, data } = await api(`/api/v1/mentions/${id}/${action}/`);
  if (!ok) { say(data?.detail || "That did not work.", "bad"); return; }
  let next = id;
  if (action === "resolve" || action === "dismiss") {
    const list = visible();
    const index = list.findIndex((m) => m.id === id);
    next = (list[index + 1] ?? list[index - 1])?.id ?? null;
  }
  merge(data);
  // Move on only if the agent is still on that mention: a later "next" must not be overridden.
  if (next !== id && selectedId === id) select(next); else schedule();
  say({ resolve: "Resolved.", dismiss: "Dismissed.", claim: "Claimed: it is yours.", release: "Released.", "take-over": "Taken over: it is yours." }[action] || "Done.", "ok");
}

async function next() {
  const { ok, status, data } = await api("/api/v1/queue/next/");
  if (status === 204) { say("Nothing waiting for your tier right now."); return; }
  if (!ok) { say(data?.detail || "That did not work.", "bad"); return; }
  merge(data);
  select(data.id);
}

function select(id) {
  if (id !== selectedId) { selectedId = id; detail.show(id === null ? null : mentions.get(id)); }
  schedule();
  requestAnimationFrame(() => document.getElementById(`m-${id}`)?.scrollIntoView({ block: "nearest" }));
}

function moveSelection(step) {
  const list = visible();
  if (!list.length) return;
  const index = list.findIndex((m) => m.id === selectedId);
  select(index === -1 ? list[0].id : list[Math.min(Math.max(index + step, 0), list.length - 1)].id);
}

function showPending() {
  for (const [id, m] of pending) mentions.set(id, m);
  pending = new Map();
  schedule();
}

function toggleChosen(id) {
  if (id === null) return;
  if (chosen.has(id)) chosen.delete(id); else chosen.add(id);
  schedule();
}

async function chooseSimilar() {
  if (selectedId === null) return;
  const { ok, data } = await get(`/api/v1/mentions/${selectedId}/similar/`);
  if (!ok) return;
  for (const id of data.ids) if (mentions.has(id)) chosen.add(id);
  chosen.add(selectedId);
  say(`${chosen.size} similar mentions selected: pick a bulk action above.`, "ok");
  schedule();
}

function ask(title, field) {
  const dialog = document.getElementById("bulk-dialog");
  document.getElementById("bulk-title").textContent = title;
  document.getElementById("bulk-field").replaceChildren(field);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok" ? field : null), { once: true });
    dialog.showModal();
    field.focus();
  });
}

async function bulk(action) {
  if (action === "clear") { chosen.clear(); schedule(); return; }
  const ids = [...chosen];
  if (!ids.length) return;
  let body = { ids, action };
  if (action === "tag") {
    const field = await ask(`Tag ${ids.length} mentions`, el("input", { type: "text", list: "bulk-tags", "aria-label": "Tag" }));
    if (!field?.value.trim()) return;
    body.tags = [field.value.trim()];
  } else if (action === "assign") {
    const field = await ask(`Assign ${ids.length} mentions to`, el("input", { type: "text", "aria-label": "Agent's username" }));
    if (!field?.value.trim()) return;
    body.assignee = field.value.trim();
  } else if (action === "broadcast") {
    const choices = templates.filter((t) => !firstLineOnly || t.tier === "first_line");
    const field = el("select", { "aria-label": "Template" }, ...choices.map((t) => el("option", { value: t.id, text: t.name })));
    if (!(await ask(`Reply to ${ids.length} mentions, each personalised`, field))) return;
    const { ok, data } = await api("/api/v1/broadcast/", { ids, template: Number(field.value) });
    report(ok, data, `${data?.replies ?? 0} replies queued for sending`);
    return;
  }
  const { ok, data } = await api("/api/v1/mentions/bulk/", body);
  report(ok, data, `${action}: ${data?.done ?? 0} done`);
}

function report(ok, data, message) {
  if (!ok) { say(data?.detail || "That did not work.", "bad"); return; }
  const skipped = Object.keys(data.skipped || {}).length;
  say(skipped ? `${message}; ${skipped} skipped (${Object.values(data.skipped)[0]}).` : `${message}.`, skipped ? "warn" : "ok");
  chosen.clear();
  schedule();
}

// ---- keyboard ----------------------------------------------------------------
document.addEventListener("keydown", (e) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName);
  if (document.querySelector("dialog[open]")) return;
  if (e.key === "Escape") {
    if (typing) document.activeElement.blur(); else if (chosen.size) { chosen.clear(); schedule(); }
    return;
  }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  const keys = {
    j: () => moveSelection(+1), k: () => moveSelection(-1),
    n: next, c: () => act("claim"), o: () => act("take-over"), u: () => act("release"),
    e: () => act("resolve"), x: () => act("dismiss"),
    r: () => detail.focus("reply-text"), t: () => detail.focus("tag-input"), m: () => detail.focus("note-input"),
    v: () => detail.nextVariant(),
    s: () => toggleChosen(selectedId), S: chooseSimilar,
    ".": showPending,
    "/": () => document.getElementById("search").focus(),
    "?": () => document.getElementById("help").showModal(),
  };
  if (/^[1-9]$/.test(e.key) && selectedId !== null) { e.preventDefault(); detail.useTemplate(Number(e.key) - 1); return; }
  if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
});

newbar.addEventListener("click", showPending);
document.getElementById("next").addEventListener("click", next);
for (const b of document.querySelectorAll("[data-bulk]")) b.addEventListener("click", () => bulk(b.dataset.bulk));
for (const input of document.querySelectorAll(".filters input")) input.addEventListener("input", schedule);
document.body.append(el("datalist", { id: "bulk-tags" }, ...curatedTags.map((t) => el("option", { value: t }))));
setInterval(() => { for (const t of document.querySelectorAll("#main time")) t.textContent = relativeTime(t.getAttribute("datetime")); }, 30000);
async function refreshStats() {
  const { ok, data } = await get("/api/v1/queue/stats/");
  if (ok) { stats = data; schedule(false); }
}
setInterval(refreshStats, 30000);  // capacity figures move slowly: a refresh every 30 s is plenty

const conn = document.getElementById("conn");
socket = liveSocket("/ws/triage/", {
  onState: (state) => { conn.dataset.state = state; conn.textContent = state === "live" ? "● live" : "reconnecting…"; },
  onMessage: (msg) => {
    if (msg.type === "queue.snapshot") applySnapshot(msg);
    else if (msg.type === "queue.delta") { onDelta(msg); drainBuffer(); schedule(false); }
    else if (msg.type === "queue.deltas") { for (const d of msg.deltas) onDelta(d); drainBuffer(); schedule(false); }
    else if (msg.type === "queue.presence" || msg.type === "queue.presence.delta") onPresence(msg);
    else if (msg.type === "reply.status") detail.replyStatus(msg);
    else if (msg.type === "triage.alert") refreshStats();  // the banner itself is the state bar's (statebar.js)
  },
});
window.triageState = () => ({ seq, shown: mentions.size, pending: pending.size, selectedId, chosen: [...chosen],
  presenceSeq, online: presence.map((p) => p.user) });

