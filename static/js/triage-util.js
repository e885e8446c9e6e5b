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

// Text for people goes through Django's JavaScript catalog when the page loads it.
export const t = (text) => (window.gettext ? window.gettext(text) : text);

// A failed request never throws: without a network the answer is {ok: false, status: 0, offline: true}
// and a detail the agent can read, so every caller shows it (and offers a retry).
export async function api(path, body, method = "POST") {
  let response;
  try {
    response = await fetch(path, {
      method, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/json" },
      body: body ? JSON.stringify(body) : null,
    });
  } catch {
    const detail = navigator.onLine === false ? t("No connection: this was not saved.")
      : t("The server did not answer: this was not saved.");
    return { ok: false, status: 0, offline: true, data: { detail } };
  }
  const data = response.status === 204 ? null : await response.json().catch(() => ({}));
  if (!response.ok && !data?.detail) {
    return { ok: false, status: response.status, data: { ...data, detail: `${t("The server answered")} ${response.status}.` } };
  }
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
  const at = sameDay ? due.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    : due.toLocaleString([], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return minutes >= 0 ? `SLA due ${at} (in ${span(minutes)})` : `SLA breached ${span(-minutes)} ago (${at})`;
}

export function slaClass(m) {
  const minutes = (Date.parse(m.sla_due_at) - Date.now()) / 60000;
  return minutes < 0 ? "bad" : minutes < 5 ? "warn" : "muted";
}

// The SLA on a row, short: "SLA 4m" left (amber under 5 minutes), "late 3m" once breached.
function shortSpan(minutes) {
  return minutes < 60 ? `${minutes}m` : minutes < 1440 ? `${Math.floor(minutes / 60)}h` : `${Math.floor(minutes / 1440)}d`;
}

export function slaShort(m, now = Date.now()) {
  const minutes = Math.round((Date.parse(m.sla_due_at) - now) / 60000);
  return minutes >= 0 ? `${t("SLA")} ${shortSpan(minutes)}` : `${t("late")} ${shortSpan(-minutes)}`;
}

export function absoluteTime(iso) {
  return new Date(iso).toLocaleString([], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}
