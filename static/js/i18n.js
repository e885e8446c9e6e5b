// Words, numbers and times for people, in the page's language (<html lang>) and time zone (<html data-tz>).
// The strings and the date formats come from Django's JavaScript catalog (/i18n/catalog.js, loaded by
// base.html); without it every function answers in English. Times are formatted with the same format
// strings the server uses (crisiscenter/formats/<lang>/formats.py, e.g. "j M H:i" or "n月j日 H:i"), in
// the server's time zone, so a time written by the browser matches the one the server wrote beside it.
const g = globalThis;
const root = document.documentElement;

export const lang = root.lang || "en";
export const timeZone = root.dataset.tz || undefined;

export const gettext = (msgid) => (g.gettext ? g.gettext(msgid) : msgid);
export const ngettext = (singular, plural, n) => (g.ngettext ? g.ngettext(singular, plural, n) : n === 1 ? singular : plural);
export const pgettext = (context, msgid) => (g.pgettext ? g.pgettext(context, msgid) : msgid);

// interpolate("%(n)s new", {n: 3}): named placeholders only, as Django's catalog writes them.
export function interpolate(format, values) {
  return format.replace(/%\((\w+)\)s/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

// English formats, the same as crisiscenter/formats/en/formats.py: used when the catalog is missing.
const ENGLISH = {
  TIME_FORMAT: "H:i", TIME_SECONDS_FORMAT: "H:i:s", DATE_FORMAT: "j M Y", DATETIME_FORMAT: "j M Y H:i",
  MONTH_DAY_FORMAT: "j M", SHORT_DATETIME_FORMAT: "j M H:i", SHORT_DATETIME_SECONDS_FORMAT: "j M H:i:s",
  DATETIME_SECONDS_FORMAT: "j M Y H:i:s", DAY_HOUR_FORMAT: "j M H:00",
};
export function getFormat(name) {
  const format = g.django?.get_format ? g.django.get_format(name) : undefined;
  return typeof format === "string" && format !== name ? format : ENGLISH[name] ?? name;
}

const MONTHS = [
  pgettext("abbrev. month", "Jan"), pgettext("abbrev. month", "Feb"), pgettext("abbrev. month", "Mar"),
  pgettext("abbrev. month", "Apr"), pgettext("abbrev. month", "May"), pgettext("abbrev. month", "Jun"),
  pgettext("abbrev. month", "Jul"), pgettext("abbrev. month", "Aug"), pgettext("abbrev. month", "Sep"),
  pgettext("abbrev. month", "Oct"), pgettext("abbrev. month", "Nov"), pgettext("abbrev. month", "Dec"),
];

let partsFormat = null;
function partsOf(date) {
  // Digits only ("en-GB" numbering, 24-hour clock) in the page's zone; the words come from the format.
  partsFormat ??= new Intl.DateTimeFormat("en-GB", {
    timeZone, year: "numeric", month: "numeric", day: "numeric",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  });
  const parts = {};
  for (const { type, value } of partsFormat.formatToParts(date)) parts[type] = value;
  return parts;
}

const CODES = {
  d: (p) => p.day.padStart(2, "0"), j: (p) => String(Number(p.day)),
  m: (p) => p.month.padStart(2, "0"), n: (p) => String(Number(p.month)), M: (p) => MONTHS[Number(p.month) - 1],
  Y: (p) => p.year, y: (p) => p.year.slice(-2),
  H: (p) => p.hour.padStart(2, "0"), G: (p) => String(Number(p.hour)), i: (p) => p.minute.padStart(2, "0"),
  s: (p) => p.second.padStart(2, "0"),
};

// formatDate("2026-12-03T10:02:00Z", "TIME_FORMAT") -> "10:02" (in the page's zone): Django's `date`
// filter letters d j m n M Y y H G i s, a backslash escapes the next one, everything else is literal.
export function formatDate(value, formatName = "SHORT_DATETIME_FORMAT") {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  const p = partsOf(date);
  const format = getFormat(formatName);
  let out = "";
  for (let i = 0; i < format.length; i += 1) {
    const c = format[i];
    if (c === "\\") { i += 1; out += format[i] ?? ""; } else out += CODES[c] ? CODES[c](p) : c;
  }
  return out;
}

// The calendar day of a moment in the page's zone, to tell "today" from another day.
export const dayOf = (value) => formatDate(value, "Y-m-d");

export const formatNumber = (n) => Number(n).toLocaleString(lang);
