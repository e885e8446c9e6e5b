// Small helpers shared by the queue's modules.
import { csrfToken } from "./live.js";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== "") node.append(c);
  return node;
}

// A link only to http(s): a mention's URL is written by a stranger ("javascript:" must stay text).
export const isWebUrl = (url) => typeof url === "string" && /^https?:\/\/[^\s]+$/i.test(url);

export async function api(path, body, method = "POST") {
  const response = await fetch(path, {
    method, credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : null,
  });
  const data = response.status === 204 ? null : await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

export const get = (path) => api(path, null, "GET");

export function compact(n) {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)}k` : String(n);
}

export const BAND = { 1: "P1", 2: "P2", 3: "P3", 4: "P4" };
export const BAND_WORD = { 1: "critical", 2: "high", 3: "normal", 4: "low" };
export const KIND = { journalist: "journalist", news_media: "news media", public_body: "public body", influencer: "influencer" };
export const KIND_CODE = { journalist: "J", news_media: "M", public_body: "P", influencer: "I" };

// A span of minutes as a person reads it: 18 min, 3 h 12 min, 8 d 18 h.
export function span(minutes) {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function slaText(m) {
  const minutes = Math.round((Date.parse(m.sla_due_at) - Date.now()) / 60000);
  const due = new Date(m.sla_due_at);
  const sameDay = due.toDateString() === new Date().toDateString();
  const at = sameDay ? due.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : due.toLocaleString([], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  return minutes >= 0 ? `SLA due ${at} (in ${span(minutes)})` : `SLA breached ${span(-minutes)} ago (${at})`;
}

export function slaClass(m) {
  const minutes = (Date.parse(m.sla_due_at) - Date.now()) / 60000;
  return minutes < 0 ? "bad" : minutes < 5 ? "warn" : "muted";
}
