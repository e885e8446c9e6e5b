// The live queue: a snapshot, then numbered deltas (one by one or coalesced); actions go through the HTTP API.
// New mentions never move the agent's selection: they wait under "N new — press . to show". Rendering is
// batched to one frame, and the selected row stays where it is on screen while others come and go.
import { liveSocket, relativeTime } from "./live.js";
import { createDetail } from "./triage-detail.js";
import {
  BAND, BAND_WORD, KIND, KIND_CODE, STATUS, TOPIC, absoluteTime, api, compact, el, formatNumber, get, gettext, interpolate, ngettext,
  slaClass, slaShort, words,
} from "./triage-util.js";

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
let results = null;           // id -> mention: the server's answer to a search over the whole open queue
let searchTimer = null;
let searchSerial = 0;
let alerts = 0;               // P1s and SLA breaches that came in while this tab was hidden
const baseTitle = document.title;
const narrow = matchMedia("(max-width: 820px)");
const prefs = {
  get shortcuts() { return localStorage.getItem("cc.shortcuts") !== "off"; },
  get notify() { return localStorage.getItem("cc.notify") === "on" && "Notification" in window && Notification.permission === "granted"; },
};

// What an action did, or why it failed; a failure the network caused offers to try again.
function say(message, cls = "", retry = null) {
  const line = document.getElementById("action-status") || document.getElementById("queue-status");
  if (!line) return;
  line.className = `status-line ${cls}`;
  line.replaceChildren(message);
  if (retry) {
    const again = el("button", { class: "linkbutton retry", type: "button", text: gettext("Retry") });
    again.addEventListener("click", () => { line.replaceChildren(gettext("Trying again…")); retry(); });
    line.append(again);
  }
}

function failed(result, fallback, retry) {
  say(result.data?.detail || fallback, "bad", result.offline ? retry : null);
}

const lookup = (id) => mentions.get(id) ?? results?.get(id);

const detail = createDetail({
  root: document.getElementById("detail"), me, firstLineOnly, templates, curatedTags, say,
  onAction: (action, local) => { if (local) { merge(local); schedule(); } else act(action); },
  failed,
  onBack: () => document.getElementById(`m-${selectedId}`)?.focus() ?? rowsEl.focus(),
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
  if (selectedId !== null && !lookup(selectedId)) select(null);
  else if (selectedId !== null) detail.update(lookup(selectedId));
  drainBuffer();
  schedule();
}

function applyDelta(delta) {
  for (const m of delta.mentions) {
    const known = mentions.get(m.id) || pending.get(m.id);
    if (mentions.has(m.id) || (delta.kind === "new" && mentions.size === 0)) rowsDirty = true;
    if (known && m.tags === undefined) m.tags = known.tags;
    if (results?.has(m.id)) {
      rowsDirty = true;
      if (delta.kind === "resolved" || delta.kind === "dismissed") results.delete(m.id);
      else results.set(m.id, { ...results.get(m.id), ...m, tags: m.tags ?? results.get(m.id).tags });
    }
    if (delta.kind === "resolved" || delta.kind === "dismissed") {
      if (known && known.status !== "replied") adjustUnanswered(-1, m);
      mentions.delete(m.id); pending.delete(m.id); chosen.delete(m.id);
    } else if (delta.kind === "new") {
      if (known) continue;
      m.tags ??= [];
      adjustUnanswered(+1, m);
      if (m.band === 1) notice(gettext("New P1 mention"), `@${m.author.handle}: ${m.text}`);
      if (mentions.size === 0) mentions.set(m.id, m); else pending.set(m.id, m);
    } else {
      if (delta.kind === "replied" && known && known.status !== "replied") adjustUnanswered(-1, m);
      if (pending.has(m.id)) pending.set(m.id, m); else mentions.set(m.id, m);
    }
    if (m.id === selectedId) {
      if (lookup(m.id)) { detail.update(m); detail.refreshSoon(); } else say(interpolate(gettext("This mention was %(what)s by someone else."), { what: words(STATUS, delta.kind) }), "warn");
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
  const mine = document.getElementById("mine").checked;
  const hideClaimed = document.getElementById("hide-claimed").checked;
  return (m) => bands.has(m.band) && !topics.has(m.topic) && !platforms.has(m.platform) && !langs.has(m.lang || "–")
    && (!tags.size || (m.tags || []).some((t) => tags.has(t)))
    && (!mine || m.claimed_by === me) && (!hideClaimed || !m.claimed_by || m.claimed_by === me);
}

function visible() {
  const keep = filters();
  return [...(results ?? mentions).values()].filter(keep).sort((a, b) => a.queue_key.localeCompare(b.queue_key));
}

function row(m) {
  // Names and handles may be right-to-left: isolated, they never reorder the line around them.
  const who = el("span", { class: "who" }, "@", el("bdi", { text: m.author.handle }), " ",
    el("small", { text: `${compact(m.author.followers)} `, title: interpolate(ngettext("%(n)s follower", "%(n)s followers", m.author.followers), { n: formatNumber(m.author.followers) }) }));
  if (KIND_CODE[m.author.kind]) who.append(el("abbr", { class: "kind", title: KIND[m.author.kind], text: KIND_CODE[m.author.kind] }));
  const forExperts = firstLineOnly && m.tier === "expert";
  if (forExperts) who.append(el("span", { class: "expert", title: gettext("Only experienced agents can claim this one"), text: gettext("expert") }));
  if (m.claimed_by) who.append(el("span", { class: m.claimed_by === me ? "holder mine" : "holder", text: `${m.status === "replied" ? gettext("replied") : gettext("claimed")} · ${m.claimed_by === me ? gettext("you") : m.claimed_by}` }));
  const text = el("span", { class: "text", dir: "auto" }, m.text);
  for (const tag of m.tags || []) text.prepend(el("span", { class: "chip small", text: tag }), " ");
  const open = m.status !== "replied";
  const li = el("li", { role: "option", id: `m-${m.id}`, "data-id": m.id, "aria-selected": String(m.id === selectedId),
    class: [m.status === "replied" ? "replied" : "", chosen.has(m.id) ? "chosen" : "", forExperts ? "for-experts" : ""].join(" ").trim() || undefined },
    el("span", { class: "mark", "aria-hidden": "true", text: chosen.has(m.id) ? "✓" : "" }),
    el("span", { class: `band band-${m.band}`, title: `${BAND[m.band]} ${BAND_WORD[m.band]}`, text: BAND[m.band] }),
    who, text,
    el("span", { class: "age" },
      el("time", { datetime: m.ingested_at, title: absoluteTime(m.ingested_at), "data-abs": absoluteTime(m.ingested_at), text: relativeTime(m.ingested_at) }),
      open ? el("span", { class: `sla ${slaClass(m)}`, "data-sla": m.sla_due_at, title: interpolate(gettext("SLA due %(at)s"), { at: absoluteTime(m.sla_due_at) }), text: slaShort(m) }) : null));
  if (chosen.has(m.id)) li.setAttribute("aria-label", `${gettext("selected for bulk")}: @${m.author.handle}`);
  li.addEventListener("click", (e) => {
    if (e.shiftKey) { toggleChosen(m.id); return; }
    select(m.id);
    if (narrow.matches) requestAnimationFrame(() => document.getElementById("detail").scrollIntoView({ block: "start" }));
  });
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
    return el("label", {}, input, ` ${name === "topic" ? words(TOPIC, value) : value} `, el("span", { class: "count", text: String(n) }));
  }));
}

function render() {
  if (rowsDirty) renderRows();
  document.getElementById("empty").hidden = mentions.size > 0;
  newbar.textContent = pending.size ? `▲ ${interpolate(gettext("%(n)s new — press . to show"), { n: pending.size })}` : gettext("Up to date: new mentions will wait here");
  newbar.classList.toggle("show", pending.size > 0);
  for (const [id, key] of [["stat-unanswered", "unanswered"], ["stat-p1", "p1"], ["stat-breaches", "breaches"]]) {
    document.getElementById(id).textContent = stats[key] ?? "–";
  }
  document.getElementById("stat-breaches-box").classList.toggle("bad", Boolean(stats.breaches));
  document.title = alerts ? `(${alerts}) ${baseTitle}` : baseTitle;
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
  const all = [...(results ?? mentions).values()];
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
  const verdict = c.backlog === 0 ? gettext("nothing waiting")
    : c.clear_minutes === null ? (c.more_hands !== null ? interpolate(gettext("not clearing · +%(n)s hands clear it within the SLA"), { n: c.more_hands }) : gettext("not clearing yet"))
    : c.more_hands ? interpolate(gettext("clears in %(m)s min; +%(n)s hands to meet the SLA"), { m: c.clear_minutes, n: c.more_hands })
      : interpolate(gettext("clears in %(m)s min"), { m: c.clear_minutes });
  // The figures are taken every few seconds; who is online comes live. A page never says
  // "0 agents" beside a presence line that shows people.
  const agents = Math.max(c.agents, presence.length);
  document.getElementById("capacity").replaceChildren(
    `${interpolate(gettext("in %(in)s/min · handled %(out)s/min"), { in: c.in_per_min, out: c.out_per_min })} · ${interpolate(ngettext("%(n)s agent", "%(n)s agents", agents), { n: agents })} · `,
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
    return [i ? ", " : "", el("span", { class: "agent", title: n ? interpolate(gettext("holds %(n)s"), { n }) : gettext("holds nothing") },
      el("span", { class: "dot", "aria-hidden": "true", text: "● " }), p.user === me ? gettext("you") : p.user,
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

async function act(action, id = selectedId) {
  if (id === null || !action) return;
  if (action === "claim" && firstLineOnly && lookup(id)?.tier === "expert") {
    say(gettext("This one is for experienced agents: leave it for them, or add a note."), "warn");
    return;
  }
  const result = await api(`/api/v1/mentions/${id}/${action}/`);
  const { ok, data } = result;
  if (!ok) { failed(result, gettext("That did not work."), () => act(action, id)); return; }
  let next = id;
  if (action === "resolve" || action === "dismiss") {
    const list = visible();
    const index = list.findIndex((m) => m.id === id);
    next = (list[index + 1] ?? list[index - 1])?.id ?? null;
    results?.delete(id);
  } else if (results?.has(id)) results.set(id, { ...results.get(id), ...data });
  merge(data);
  // Move on only if the agent is still on that mention: a later "next" must not be overridden.
  if (next !== id && selectedId === id) select(next); else schedule();
  say({ resolve: gettext("Resolved."), dismiss: gettext("Dismissed."), claim: gettext("Claimed: it is yours."), release: gettext("Released."), "take-over": gettext("Taken over: it is yours.") }[action] || gettext("Done."), "ok");
}

async function next() {
  const result = await api("/api/v1/queue/next/");
  const { ok, status, data } = result;
  if (status === 204) { say(gettext("Nothing waiting for your tier right now.")); return; }
  if (!ok) { failed(result, gettext("That did not work."), next); return; }
  merge(data);
  select(data.id);
}

function select(id) {
  if (id !== selectedId) { selectedId = id; detail.show(id === null ? null : lookup(id)); }
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
  for (const id of data.ids) if (lookup(id)) chosen.add(id);
  chosen.add(selectedId);
  say(interpolate(gettext("%(n)s similar mentions selected: pick a bulk action above."), { n: chosen.size }), "ok");
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

const BULK_WORDS = { resolve: gettext("resolve"), dismiss: gettext("dismiss"), tag: gettext("tag"), assign: gettext("assign") };

async function bulk(action) {
  if (action === "clear") { chosen.clear(); schedule(); return; }
  const ids = [...chosen];
  if (!ids.length) return;
  let body = { ids, action };
  if (action === "tag") {
    const field = await ask(interpolate(gettext("Tag %(n)s mentions"), { n: ids.length }), el("input", { type: "text", list: "bulk-tags", "aria-label": gettext("Tag") }));
    if (!field?.value.trim()) return;
    body.tags = [field.value.trim()];
  } else if (action === "assign") {
    const field = await ask(interpolate(gettext("Assign %(n)s mentions to"), { n: ids.length }), el("input", { type: "text", "aria-label": gettext("Agent's username") }));
    if (!field?.value.trim()) return;
    body.assignee = field.value.trim();
  } else if (action === "broadcast") {
    const choices = templates.filter((t) => !firstLineOnly || t.tier === "first_line");
    const field = el("select", { "aria-label": gettext("Template") }, ...choices.map((t) => el("option", { value: t.id, text: t.name })));
    if (!(await ask(interpolate(gettext("Reply to %(n)s mentions, each personalised"), { n: ids.length }), field))) return;
    const { ok, data } = await api("/api/v1/broadcast/", { ids, template: Number(field.value) });
    report(ok, data, interpolate(gettext("%(n)s replies queued for sending"), { n: data?.replies ?? 0 }));
    return;
  }
  const result = await api("/api/v1/mentions/bulk/", body);
  if (!result.ok) { failed(result, gettext("That did not work."), () => bulk(action)); return; }
  report(result.ok, result.data, interpolate(gettext("%(action)s: %(n)s done"), { action: BULK_WORDS[action] ?? action, n: result.data?.done ?? 0 }));
}

function report(ok, data, message) {
  if (!ok) { say(data?.detail || gettext("That did not work."), "bad"); return; }
  const skipped = Object.keys(data.skipped || {}).length;
  say(skipped ? interpolate(gettext("%(message)s; %(n)s skipped (%(reason)s)."), { message, n: skipped, reason: Object.values(data.skipped)[0] }) : `${message}.`, skipped ? "warn" : "ok");
  chosen.clear();
  schedule();
}

// ---- keyboard ----------------------------------------------------------------
document.addEventListener("keydown", (e) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName);
  if (document.querySelector("dialog[open]")) return;
  if (e.key === "Escape") {
    if (drawer.classList.contains("open")) toggleDrawer(false);
    else if (typing) document.activeElement.blur(); else if (chosen.size) { chosen.clear(); schedule(); }
    return;
  }
  // Single-key shortcuts can be turned off (WCAG 2.1.4): speech input must not claim or dismiss by accident.
  if (typing || e.ctrlKey || e.metaKey || e.altKey || !prefs.shortcuts) return;
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
for (const input of document.querySelectorAll(".filters input")) input.addEventListener("input", () => { schedule(); if (results) searchSoon(); });

// ---- search over the whole open queue (the server's), with the same filters -----------------------
const searchBox = document.getElementById("search");
const searchNote = document.getElementById("search-note");
function searchSoon() { clearTimeout(searchTimer); searchTimer = setTimeout(search, 250); }
async function search() {
  const q = searchBox.value.trim();
  const serial = ++searchSerial;
  if (!q) { results = null; searchNote.textContent = ""; schedule(); return; }
  const params = new URLSearchParams({ q, limit: "200" });
  const bands = [...document.querySelectorAll("input[name=band]:checked")].map((i) => i.value);
  if (bands.length < 4) params.set("band", bands.join(",") || "0");
  if (document.getElementById("mine").checked) params.set("mine", "1");
  const result = await get(`/api/v1/mentions/?${params}`);
  if (serial !== searchSerial) return;  // a later search already answered
  if (!result.ok) { searchNote.textContent = result.data?.detail || gettext("The search did not work."); return; }
  results = new Map(result.data.results.map((m) => [m.id, m]));
  const n = result.data.count_capped ? `${result.data.count}+` : String(result.data.count);
  searchNote.textContent = interpolate(gettext("%(n)s found in the whole open queue"), { n })
    + (result.data.count > results.size ? ` · ${interpolate(gettext("showing the top %(n)s"), { n: results.size })}` : "");
  schedule();
}
searchBox.addEventListener("input", searchSoon);

// ---- filters drawer (narrow windows) and settings -------------------------------------------------
const drawer = document.getElementById("filters");
const drawerButton = document.getElementById("filters-toggle");
function toggleDrawer(open = !drawer.classList.contains("open")) {
  drawer.classList.toggle("open", open);
  drawerButton.setAttribute("aria-expanded", String(open));
  if (open) drawer.querySelector("input")?.focus(); else drawerButton.focus();
}
drawerButton.addEventListener("click", () => toggleDrawer());
document.getElementById("filters-close").addEventListener("click", () => toggleDrawer(false));

const shortcutsBox = document.getElementById("pref-shortcuts");
shortcutsBox.checked = prefs.shortcuts;
shortcutsBox.addEventListener("change", () => localStorage.setItem("cc.shortcuts", shortcutsBox.checked ? "on" : "off"));
const notifyBox = document.getElementById("pref-notify");
notifyBox.checked = prefs.notify;
notifyBox.disabled = !("Notification" in window);
notifyBox.addEventListener("change", async () => {
  if (notifyBox.checked && Notification.permission !== "granted") await Notification.requestPermission();
  const on = notifyBox.checked && Notification.permission === "granted";
  notifyBox.checked = on;
  localStorage.setItem("cc.notify", on ? "on" : "off");
});

// ---- another tab: a count in the title, and (opted in) a desktop notification ---------------------
function notice(title, body) {
  if (!document.hidden) return;
  alerts += 1;
  schedule(false);
  if (prefs.notify) new Notification(title, { body: body.slice(0, 140), tag: "crisis-center-queue" });
}
document.addEventListener("visibilitychange", () => { if (!document.hidden && alerts) { alerts = 0; schedule(false); } });
document.body.append(el("datalist", { id: "bulk-tags" }, ...curatedTags.map((t) => el("option", { value: t }))));
setInterval(() => {
  for (const time of document.querySelectorAll("#main time")) time.textContent = relativeTime(time.getAttribute("datetime"));
  for (const sla of document.querySelectorAll("#rows .sla")) {
    const m = { sla_due_at: sla.dataset.sla };
    sla.textContent = slaShort(m); sla.className = `sla ${slaClass(m)}`;
  }
}, 30000);
async function refreshStats() {
  const { ok, data } = await get("/api/v1/queue/stats/");
  if (!ok) return;
  if (data.breaches > (stats.breaches ?? data.breaches)) notice(gettext("SLA breached"), interpolate(gettext("%(n)s SLA breaches in the queue"), { n: data.breaches }));
  stats = data; schedule(false);
}
setInterval(refreshStats, 30000);  // capacity figures move slowly: a refresh every 30 s is plenty

const conn = document.getElementById("conn");
socket = liveSocket("/ws/triage/", {
  onState: (state) => {
    conn.dataset.state = state;
    conn.textContent = { live: `● ${gettext("live")}`, offline: `○ ${gettext("offline: actions will fail")}` }[state] ?? `○ ${gettext("reconnecting…")}`;
  },
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

