// Small helpers shared by the queue's modules.
import { dayOf, formatDate, gettext, interpolate, lang, pgettext } from "./i18n.js";
import { csrfToken } from "./live.js";

export { formatDate, formatNumber, gettext, interpolate, ngettext, pgettext } from "./i18n.js";

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
    const detail = navigator.onLine === false ? gettext("No connection: this was not saved.")
      : gettext("The server did not answer: this was not saved.");
    return { ok: false, status: 0, offline: true, data: { detail } };
  }
  const data = response.status === 204 ? null : await response.json().catch(() => ({}));
  if (!response.ok && !data?.detail) {
    return { ok: false, status: response.status, data: { ...data, detail: interpolate(gettext("The server answered %(status)s."), { status: response.status }) } };
  }
  return { ok: response.ok, status: response.status, data };
}

export const get = (path) => api(path, null, "GET");

// Follower counts, short, the way the reader's language writes them: 48K, 1.2M; 4.8万, 120万.
let compactFormat = null;
export function compact(n) {
  compactFormat ??= new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
  return compactFormat.format(n);
}

export const BAND = { 1: "P1", 2: "P2", 3: "P3", 4: "P4" };
export const BAND_WORD = { 1: gettext("critical"), 2: gettext("high"), 3: gettext("normal"), 4: gettext("low") };
export const KIND = { journalist: gettext("journalist"), news_media: gettext("news media"), public_body: gettext("public body"), influencer: gettext("influencer") };
// Codes the API sends, in words (an unknown code is shown as it is).
export const TOPIC = {
  safety: gettext("safety"), refund: gettext("refund"), compensation: gettext("compensation"), rebooking: gettext("rebooking"),
  cancellation: gettext("cancellation"), schedule: gettext("schedule"), complaint: gettext("complaint"), praise: gettext("praise"),
  other: gettext("other"),
};
export const STATUS = {
  new: gettext("unanswered"), claimed: gettext("claimed"), replied: gettext("replied"), resolved: gettext("resolved"),
  dismissed: gettext("dismissed"), queued: gettext("queued"), sending: gettext("sending"), sent: gettext("sent"), failed: gettext("failed"),
};
export const words = (table, code) => table[code] ?? code;
export const KIND_CODE = { journalist: "J", news_media: "M", public_body: "P", influencer: "I" };

// A span of minutes as a person reads it: 18 min, 3 h 12 min, 8 d 18 h.
export function span(minutes) {
  if (minutes < 60) return interpolate(gettext("%(m)s min"), { m: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return interpolate(gettext("%(h)s h %(m)s min"), { h: hours, m: minutes % 60 });
  return interpolate(gettext("%(d)s d %(h)s h"), { d: Math.floor(hours / 24), h: hours % 24 });
}

export function slaText(m) {
  const minutes = Math.round((Date.parse(m.sla_due_at) - Date.now()) / 60000);
  const sameDay = dayOf(m.sla_due_at) === dayOf(new Date());
  const at = formatDate(m.sla_due_at, sameDay ? "TIME_FORMAT" : "SHORT_DATETIME_FORMAT");
  return minutes >= 0 ? interpolate(gettext("SLA due %(at)s (in %(span)s)"), { at, span: span(minutes) })
    : interpolate(gettext("SLA breached %(span)s ago (%(at)s)"), { at, span: span(-minutes) });
}

export function slaClass(m) {
  const minutes = (Date.parse(m.sla_due_at) - Date.now()) / 60000;
  return minutes < 0 ? "bad" : minutes < 5 ? "warn" : "muted";
}

// The SLA on a row, short: "SLA 4m" left (amber under 5 minutes), "late 3m" once breached.
function shortSpan(minutes) {
  return minutes < 60 ? interpolate(pgettext("minutes, short", "%(n)sm"), { n: minutes })
    : minutes < 1440 ? interpolate(pgettext("hours, short", "%(n)sh"), { n: Math.floor(minutes / 60) })
      : interpolate(pgettext("days, short", "%(n)sd"), { n: Math.floor(minutes / 1440) });
}

export function slaShort(m, now = Date.now()) {
  const minutes = Math.round((Date.parse(m.sla_due_at) - now) / 60000);
  return minutes >= 0 ? interpolate(gettext("SLA %(span)s"), { span: shortSpan(minutes) })
    : interpolate(gettext("late %(span)s"), { span: shortSpan(-minutes) });
}

export function absoluteTime(iso) {
  return formatDate(iso, "SHORT_DATETIME_FORMAT");
}
