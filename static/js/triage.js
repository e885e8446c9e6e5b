// The live queue: a snapshot, then numbered deltas; actions go through the HTTP API.
// New mentions never move the agent's selection: they wait under "N new — press . to show".
import { csrfToken, liveSocket, relativeTime } from "./live.js";

const root = document.getElementById("main");
const rowsEl = document.getElementById("rows");
const detailEl = document.getElementById("detail");
const newbar = document.getElementById("newbar");
const templates = JSON.parse(document.getElementById("reply-templates").textContent);
const me = root.dataset.me;
const hubLink = root.dataset.hubLink;
const firstLineOnly = root.dataset.firstLine === "1";

const mentions = new Map();   // id -> mention, everything shown
let pending = new Map();      // id -> mention, arrived but not shown yet
let seq = null;               // last applied sequence number
let buffered = [];            // deltas that arrived ahead of a gap
let gapTimer = null;
let selectedId = null;
let stats = {};
let socket;

const BAND = { 1: "P1", 2: "P2", 3: "P3", 4: "P4" };
const KIND = { journalist: "journalist", news_media: "news media", public_body: "public body", influencer: "influencer" };
const KIND_CODE = { journalist: "J", news_media: "M", public_body: "P", influencer: "I" };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}
function slaText(m) {
  const minutes = Math.round((Date.parse(m.sla_due_at) - Date.now()) / 60000);
  const at = new Date(m.sla_due_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return minutes >= 0 ? `SLA due ${at} (in ${minutes} min)` : `SLA breached ${-minutes} min ago (${at})`;
}
function slaClass(m) {
  const minutes = (Date.parse(m.sla_due_at) - Date.now()) / 60000;
  return minutes < 0 ? "bad" : minutes < 5 ? "warn" : "muted";
}
function compact(n) { return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)}k` : String(n); }

// ---- applying server messages ------------------------------------------------
function applySnapshot(msg) {
  mentions.clear();
  pending = new Map();
  for (const m of msg.mentions) mentions.set(m.id, m);
  seq = msg.seq;
  buffered = buffered.filter((d) => d.seq > seq);
  stats = msg.stats;
  if (selectedId !== null && !mentions.has(selectedId)) selectedId = null;
  drainBuffer();
  render();
}

function applyDelta(delta) {
  for (const m of delta.mentions) {
    if (delta.kind === "resolved" || delta.kind === "dismissed") {
      if (mentions.has(m.id) || pending.has(m.id)) adjustUnanswered(-1, m);
      mentions.delete(m.id); pending.delete(m.id);
    } else if (delta.kind === "new") {
      if (mentions.has(m.id) || pending.has(m.id)) continue;
      adjustUnanswered(+1, m);
      if (mentions.size === 0) mentions.set(m.id, m); else pending.set(m.id, m);
    } else {
      if (delta.kind === "replied" && (mentions.get(m.id) || pending.get(m.id))?.status !== "replied") adjustUnanswered(-1, m);
      if (pending.has(m.id)) pending.set(m.id, m); else mentions.set(m.id, m);
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
  drainBuffer();
  render();
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

// ---- rendering ---------------------------------------------------------------
function filters() {
  const bands = new Set([...document.querySelectorAll("input[name=band]:checked")].map((i) => Number(i.value)));
  const topics = new Set([...document.querySelectorAll("input[name=topic]:not(:checked)")].map((i) => i.value));
  const platforms = new Set([...document.querySelectorAll("input[name=platform]:not(:checked)")].map((i) => i.value));
  const q = document.getElementById("search").value.trim().toLowerCase();
  const mine = document.getElementById("mine").checked;
  const hideClaimed = document.getElementById("hide-claimed").checked;
  return (m) => bands.has(m.band) && !topics.has(m.topic) && !platforms.has(m.platform)
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
  if (m.claimed_by) who.append(el("span", { class: "holder", text: m.status === "replied" ? `replied · ${m.claimed_by}` : `claimed · ${m.claimed_by}` }));
  const li = el("li", { role: "option", id: `m-${m.id}`, "data-id": m.id, "aria-selected": String(m.id === selectedId),
    class: m.status === "replied" ? "replied" : "" },
    el("span", { class: `band band-${m.band}`, title: m.band_label, text: BAND[m.band] }),
    who, el("span", { class: "text", text: m.text }),
    el("time", { class: "age", datetime: m.ingested_at, title: new Date(m.ingested_at).toLocaleString(), text: relativeTime(m.ingested_at) }));
  li.addEventListener("click", () => select(m.id));
  return li;
}

function facet(containerId, name, key) {
  const box = document.getElementById(containerId);
  const unchecked = new Set([...box.querySelectorAll("input:not(:checked)")].map((i) => i.value));
  const counts = new Map();
  for (const m of mentions.values()) counts.set(m[key], (counts.get(m[key]) || 0) + 1);
  box.replaceChildren(...[...counts.entries()].sort((a, b) => b[1] - a[1]).map(([value, n]) => {
    const input = el("input", { type: "checkbox", name, value });
    input.checked = !unchecked.has(value);
    input.addEventListener("change", render);
    return el("label", {}, input, ` ${value} `, el("span", { class: "count", text: String(n) }));
  }));
}

function render() {
  const list = visible();
  const scrollTop = rowsEl.parentElement.scrollTop;
  rowsEl.replaceChildren(...list.map(row));
  rowsEl.parentElement.scrollTop = scrollTop;
  document.getElementById("empty").hidden = mentions.size > 0;
  newbar.textContent = `▲ ${pending.size} new — press . to show`;
  newbar.classList.toggle("show", pending.size > 0);
  for (const [id, key] of [["stat-unanswered", "unanswered"], ["stat-p1", "p1"], ["stat-breaches", "breaches"]]) {
    document.getElementById(id).textContent = stats[key] ?? "–";
  }
  facet("topics", "topic", "topic");
  facet("platforms", "platform", "platform");
  renderDetail();
}

function renderDetail() {
  const m = mentions.get(selectedId);
  if (!m) {
    detailEl.replaceChildren(el("p", { class: "muted", text: "Select a mention with j/k or press n for the next one for you." }));
    return;
  }
  const mineNow = m.claimed_by === me;
  const heldByOther = m.claimed_by && !mineNow;
  const why = el("ul", { class: "why" }, ...m.breakdown.map((b) => el("li", {}, el("b", { text: `+${b.points}` }), ` ${b.factor}: ${b.reason}`)));
  const select = el("select", { id: "template", "aria-label": "Reply template" }, el("option", { value: "", text: "Template…" }),
    ...templates.filter((t) => !firstLineOnly || t.tier === "first_line").map((t) => el("option", { value: t.id, text: t.name })));
  const text = el("textarea", { id: "reply-text", "aria-label": "Reply", placeholder: "Reply in our tone of voice…" });
  select.addEventListener("change", () => {
    const t = templates.find((x) => String(x.id) === select.value);
    if (t) text.value = t.body.replaceAll("{name}", m.author.name || `@${m.author.handle}`).replaceAll("{hub_link}", hubLink);
  });
  text.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) sendReply(); });
  const button = (label, key, action, cls = "button") => {
    const b = el("button", { class: cls, type: "button" }, `${label} `, el("kbd", { text: key }));
    b.addEventListener("click", action);
    return b;
  };
  const original = m.url ? el("a", { href: m.url, target: "_blank", rel: "noopener noreferrer", text: "original post" }) : "";
  detailEl.replaceChildren(
    el("p", { class: "author" }, `@${m.author.handle}`, el("span", { class: "muted", text: ` · ${m.author.name || ""} · ${m.author.followers.toLocaleString()} followers${KIND[m.author.kind] ? " · " + KIND[m.author.kind] : ""}${m.author.verified ? " · verified" : ""}` })),
    el("p", {}, el("span", { class: `band band-${m.band}`, text: BAND[m.band] }), ` ${m.band_label} · score ${m.score} · ${m.topic} · ${m.platform} · `, original),
    el("blockquote", { text: m.text }),
    el("p", { class: slaClass(m), text: `${slaText(m)}${m.claimed_by ? ` · ${m.status} by ${m.claimed_by}` : ""}` }),
    el("strong", { text: "Why it is here" }), why,
    ...(heldByOther ? [el("p", { class: "warn", text: `@${m.claimed_by} is working on this one.` })] : [
      select, text,
      el("div", { class: "actions" },
        mineNow ? button("Release", "u", () => act("release")) : button("Claim", "c", () => act("claim")),
        button("Send", "r", sendReply, "button primary"),
        button("Done", "e", () => act("resolve")),
        button("Dismiss", "x", () => act("dismiss"))),
    ]),
    el("p", { class: "status-line", id: "action-status", role: "status" }),
  );
}

function say(message, cls = "") {
  const line = document.getElementById("action-status");
  if (line) { line.textContent = message; line.className = `status-line ${cls}`; }
}

// ---- actions -----------------------------------------------------------------
async function api(path, body) {
  const response = await fetch(path, {
    method: "POST", credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : null,
  });
  const data = response.status === 204 ? null : await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

function merge(m) {
  if (!m) return;
  pending.delete(m.id);
  if (["resolved", "dismissed"].includes(m.status)) mentions.delete(m.id); else mentions.set(m.id, m);
}

async function act(action) {
  const id = selectedId;
  if (id === null) return;
  const { ok, data } = await api(`/api/v1/mentions/${id}/${action}/`);
  if (!ok) { say(data?.detail || "That did not work.", "bad"); return; }
  if (action === "resolve" || action === "dismiss") {
    const list = visible();
    const index = list.findIndex((m) => m.id === id);
    selectedId = (list[index + 1] ?? list[index - 1])?.id ?? null;
  }
  merge(data);
  render();
  say(`${action === "resolve" ? "Resolved" : action[0].toUpperCase() + action.slice(1) + "ed"}.`, "ok");
}

async function sendReply() {
  const text = document.getElementById("reply-text")?.value.trim();
  if (!text) { document.getElementById("reply-text")?.focus(); say("Write a reply first.", "warn"); return; }
  const template = document.getElementById("template").value || undefined;
  const { ok, data } = await api(`/api/v1/mentions/${selectedId}/reply/`, { text, template });
  if (!ok) { say(data?.detail || "The reply was not sent.", "bad"); return; }
  const m = mentions.get(selectedId);
  if (m) { m.status = "replied"; m.claimed_by = me; }
  render();
  say("Reply queued for sending.", "ok");
}

async function next() {
  const { ok, status, data } = await api("/api/v1/queue/next/");
  if (status === 204) { say("Nothing waiting for your tier right now."); return; }
  if (!ok) return;
  merge(data);
  selectedId = data.id;
  render();
  document.getElementById(`m-${data.id}`)?.scrollIntoView({ block: "nearest" });
}

function select(id) {
  selectedId = id;
  render();
  document.getElementById(`m-${id}`)?.scrollIntoView({ block: "nearest" });
}

function moveSelection(step) {
  const list = visible();
  if (!list.length) { selectedId = null; return; }
  const index = list.findIndex((m) => m.id === selectedId);
  selectedId = index === -1 ? list[0].id : list[Math.min(Math.max(index + step, 0), list.length - 1)].id;
}

function showPending() {
  for (const [id, m] of pending) mentions.set(id, m);
  pending = new Map();
  render();
}

// ---- keyboard ----------------------------------------------------------------
document.addEventListener("keydown", (e) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName);
  if (e.key === "Escape") { document.activeElement?.blur(); return; }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  const keys = {
    j: () => { moveSelection(+1); render(); document.getElementById(`m-${selectedId}`)?.scrollIntoView({ block: "nearest" }); },
    k: () => { moveSelection(-1); render(); document.getElementById(`m-${selectedId}`)?.scrollIntoView({ block: "nearest" }); },
    n: next, c: () => act("claim"), u: () => act("release"), e: () => act("resolve"), x: () => act("dismiss"),
    r: () => document.getElementById("reply-text")?.focus(),
    ".": showPending,
    "/": () => document.getElementById("search").focus(),
    "?": () => document.getElementById("help").showModal(),
  };
  if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
});

newbar.addEventListener("click", showPending);
document.getElementById("next").addEventListener("click", next);
for (const input of document.querySelectorAll(".filters input")) input.addEventListener("input", render);
setInterval(() => { for (const t of rowsEl.querySelectorAll("time")) t.textContent = relativeTime(t.getAttribute("datetime")); }, 30000);

const conn = document.getElementById("conn");
socket = liveSocket("/ws/triage/", {
  onState: (state) => { conn.dataset.state = state; conn.textContent = state === "live" ? "● live" : "reconnecting…"; },
  onMessage: (msg) => {
    if (msg.type === "queue.snapshot") applySnapshot(msg);
    else if (msg.type === "queue.delta") onDelta(msg);
  },
});
window.triageState = () => ({ seq, shown: mentions.size, pending: pending.size, selectedId });
