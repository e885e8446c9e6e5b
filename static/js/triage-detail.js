// The detail pane: author card, thread, why it is here, tags, the reply composer, replies and notes.
// The composer is built once per selected mention, so live updates never wipe what the agent types.
import { relativeTime } from "./live.js";
import {
  BAND, BAND_WORD, KIND, STATUS, TOPIC, absoluteTime, api, el, formatNumber, get, gettext, interpolate, isWebUrl, ngettext, slaClass, slaText,
  words,
} from "./triage-util.js";

const CLAMP_AT = 600;
const showAll = (length) => interpolate(gettext("Show all (%(n)s characters)"), { n: formatNumber(length) });  // characters: a longer mention shows its start, and the composer stays in view

export function createDetail({ root, me, firstLineOnly, templates, curatedTags, onAction, say, failed, onBack }) {
  let mention = null;
  let context = null;
  let draft = null;          // the template draft the composer holds: {template, variant, variants, warning}
  let parts = {};
  let contextTimer = null;
  let ordered = templates;   // the templates in the order the composer offers them for this mention

  const button = (label, key, action, cls = "button") => {
    const b = el("button", { class: cls, type: "button" }, `${label} `, el("kbd", { text: key }));
    b.addEventListener("click", action);
    return b;
  };

  function show(m) {
    mention = m; context = null; draft = null;
    ordered = m ? languageOrder(m.lang) : templates;
    if (!m) {
      root.replaceChildren(el("p", { class: "muted", text: gettext("Select a mention with j/k or press n for the next one for you.") }));
      parts = {};
      return;
    }
    const back = el("button", { class: "linkbutton back-to-list", type: "button", text: `↑ ${gettext("Back to the list")}` });
    back.addEventListener("click", onBack);
    parts = {
      back,
      head: el("div", { class: "d-head" }),
      card: el("div", { class: "author-card", "aria-label": gettext("Author") }),
      thread: el("div", { class: "thread" }),
      why: el("details", { class: "why-box" }),
      tags: el("div", { class: "tags", "aria-label": gettext("Tags") }),
      composer: composer(),
      replies: el("ul", { class: "reply-list", "aria-label": gettext("Replies sent") }),
      notes: el("div", { class: "notes", "aria-label": gettext("Notes between agents") }),
      status: el("p", { class: "status-line", id: "action-status", role: "status" }),
    };
    root.replaceChildren(parts.back, parts.card, parts.head, parts.thread, parts.why, parts.composer,
      parts.status, parts.tags, parts.replies, parts.notes);
    update(m);
    loadContext();
  }

  function update(m) {
    if (!mention || !m || m.id !== mention.id) return;
    mention = { ...mention, ...m, tags: m.tags ?? mention.tags };
    const held = mention.claimed_by && mention.claimed_by !== me;
    const long = mention.text.length > CLAMP_AT;
    const quote = el("blockquote", { dir: "auto", id: "mention-text", class: long ? "clamped" : undefined, text: mention.text });
    const more = long ? el("button", { class: "linkbutton more-text", type: "button", "aria-controls": "mention-text", "aria-expanded": "false",
      text: showAll(mention.text.length) }) : null;
    more?.addEventListener("click", () => {
      const open = quote.classList.toggle("clamped") === false;
      more.setAttribute("aria-expanded", String(open));
      more.textContent = open ? gettext("Show less") : showAll(mention.text.length);
    });
    const expertOnly = firstLineOnly && mention.tier === "expert";
    parts.head.replaceChildren(
      quote, more ?? "",
      expertOnly ? el("p", { class: "warn", text: gettext("For experienced agents: you cannot claim this one. A note helps whoever takes it.") }) : "",
      el("p", { class: "meta" }, el("span", { class: `band band-${mention.band}`, text: BAND[mention.band] }),
        ` ${BAND_WORD[mention.band]} · ${words(TOPIC, mention.topic)} · ${mention.platform}${mention.lang ? " · " + mention.lang : ""} · `,
        el("span", { class: slaClass(mention), text: slaText(mention) }), ` · ${gettext("received")} `,
        el("time", { datetime: mention.ingested_at, tabindex: "0", title: absoluteTime(mention.ingested_at), text: absoluteTime(mention.ingested_at) }),
        mention.claimed_by ? ` · ${interpolate(gettext("%(status)s by %(who)s"), { status: words(STATUS, mention.status), who: mention.claimed_by === me ? gettext("you") : mention.claimed_by })}` : ""),
    );
    renderWhy();
    renderTags();
    renderCard();
    const actions = parts.composer.querySelector(".actions");
    if (actions) actions.replaceChildren(...actionButtons(held));
    const heldLine = parts.composer.querySelector(".held");
    heldLine.textContent = held ? interpolate(gettext("@%(who)s is working on this one."), { who: mention.claimed_by }) : "";
    for (const field of parts.composer.querySelectorAll("textarea, select")) field.disabled = Boolean(held);
  }

  // The breakdown never changes after scoring; the context API renders its reasons in the reader's
  // language (the websocket's copy is in the site's), so the pane prefers that one once it is here.
  function renderWhy() {
    const breakdown = context?.mention?.breakdown ?? mention.breakdown;
    parts.why.replaceChildren(el("summary", { text: interpolate(gettext("Why it is here: score %(score)s"), { score: mention.score }) }),
      el("ul", { class: "why" }, ...breakdown.map((b) => el("li", {}, el("b", { text: b.points ? `+${b.points}` : "·" }),
        " ", el("span", { class: "muted", text: `${b.factor_label ?? b.factor}: ` }), el("bdi", { text: b.reason })))));
  }

  // Templates in the mention's language first, then those for any language, then the rest.
  function languageOrder(lang) {
    const primary = (lang || "").toLowerCase().split(/[-_]/)[0];
    const rank = (t) => (primary && t.language && t.language.split(/[-_]/)[0] === primary ? 0 : t.language ? 2 : 1);
    return templates.map((t, i) => [t, i]).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([t]) => t);
  }

  function actionButtons(held) {
    if (held) return firstLineOnly ? [] : [button(gettext("Take over"), "o", () => onAction("take-over"))];
    if (firstLineOnly && mention.tier === "expert" && !mention.claimed_by) return [];
    const mine = mention.claimed_by === me;
    return [
      mine ? button(gettext("Release"), "u", () => onAction("release")) : button(gettext("Claim"), "c", () => onAction("claim")),
      button(gettext("Send"), "Ctrl+Enter", send, "button primary"),
      button(gettext("Done"), "e", () => onAction("resolve")),
      button(gettext("Dismiss"), "x", () => onAction("dismiss")),
    ];
  }

  function renderCard() {
    const a = mention.author;
    const earlier = context?.author;
    const links = [];
    if (isWebUrl(mention.url)) links.push(el("a", { href: mention.url, target: "_blank", rel: "noopener noreferrer", text: `${gettext("original post")} ↗` }));
    if (isWebUrl(context?.crm_url)) links.push(el("a", { href: context.crm_url, target: "_blank", rel: "noopener noreferrer", text: "CRM ↗" }));
    const others = earlier?.earlier_count;
    parts.card.replaceChildren(...[
      el("p", { class: "author" }, "@", el("bdi", { text: a.handle }), a.verified ? el("span", { class: "verified", title: gettext("verified"), text: " ✓" }) : null,
        el("span", { class: "muted" }, a.name ? " · " : "", a.name ? el("bdi", { text: a.name }) : "",
          ` · ${[interpolate(ngettext("%(n)s follower", "%(n)s followers", a.followers), { n: formatNumber(a.followers) }), KIND[a.kind]].filter(Boolean).join(" · ")}`)),
      a.bio ? el("p", { class: "bio", dir: "auto", text: a.bio }) : null,
      el("p", { class: "links" }, ...links,
        earlier ? el("span", { class: "muted", text: others
          ? interpolate(ngettext("%(n)s other mention by this author", "%(n)s other mentions by this author", others), { n: others })
          : interpolate(gettext("first mention by this author on %(platform)s"), { platform: mention.platform }) }) : null),
      earlier?.earlier.length ? el("ul", { class: "earlier" }, ...earlier.earlier.map((e) =>
        el("li", {}, el("time", { datetime: e.created_at, tabindex: "0", title: absoluteTime(e.created_at), text: relativeTime(e.created_at) }), " ", el("bdi", { text: e.text }), " ", el("span", { class: "muted", text: `(${words(STATUS, e.status)})` })))) : null,
    ].filter(Boolean));
  }

  function renderTags() {
    const input = parts.tags.querySelector("input");
    const value = input?.value ?? "";
    const hadFocus = document.activeElement === input;
    const chips = (mention.tags || []).map((t) => {
      const remove = interpolate(gettext("Remove tag %(tag)s"), { tag: t });
      const chip = el("button", { class: "chip", type: "button", title: remove, "aria-label": remove }, t, " ×");
      chip.addEventListener("click", () => changeTags([], [t]));
      return chip;
    });
    const field = el("input", { type: "text", id: "tag-input", list: "tag-options", placeholder: gettext("add tag (t)"), "aria-label": gettext("Add a tag") });
    field.value = value;
    field.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && field.value.trim()) { e.preventDefault(); changeTags([field.value.trim()], []); field.value = ""; }
    });
    const options = el("datalist", { id: "tag-options" }, ...curatedTags.map((t) => el("option", { value: t })));
    parts.tags.replaceChildren(...chips, field, options);
    if (hadFocus) field.focus();
  }

  async function changeTags(add, remove) {
    const result = await api(`/api/v1/mentions/${mention.id}/tags/`, { add, remove });
    if (!result.ok) { failed(result, gettext("The tag was not saved."), () => changeTags(add, remove)); return; }
    update(result.data);
  }

  function composer() {
    const select = el("select", { id: "template", "aria-label": gettext("Reply template") }, el("option", { value: "", text: gettext("Template… (1–9)") }),
      ...ordered.map((t, i) => el("option", { value: t.id, lang: t.language || null,
        text: `${i < 9 ? i + 1 + " · " : ""}${t.name}${t.language ? ` [${t.language}]` : ""}${t.scenario ? " ★" : ""}${t.tier === "expert" ? ` (${gettext("expert")})` : ""}` })));
    select.addEventListener("change", () => fillFrom(select.value));
    const text = el("textarea", { id: "reply-text", "aria-label": gettext("Reply"), placeholder: gettext("Reply in our tone of voice…") });
    text.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); } });
    text.addEventListener("input", () => { if (draft) draft.edited = true; });
    return el("div", { class: "composer" },
      el("p", { class: "held warn" }),
      select,
      el("p", { class: "variant-line muted", id: "variant-line" }),
      text,
      el("div", { class: "actions" }));
  }

  async function fillFrom(templateId, variant) {
    if (!templateId || !mention) return;
    const query = variant === undefined ? "" : `&variant=${variant}`;
    const { ok, data } = await get(`/api/v1/mentions/${mention.id}/draft/?template=${templateId}${query}`);
    if (!ok) { say(data?.detail || gettext("That template cannot be used here."), "bad"); return; }
    draft = data;
    parts.composer.querySelector("#template").value = String(templateId);
    parts.composer.querySelector("#reply-text").value = data.text;
    const line = parts.composer.querySelector("#variant-line");
    line.replaceChildren(interpolate(gettext("Variant %(n)s of %(total)s · sent %(sent)s× in the last hour"),
      { n: data.variant + 1, total: data.variants, sent: data.sent_last_hour }),
    data.variants > 1 ? ` · ${gettext("v: another variant")}` : "");
    line.className = "variant-line muted";
    if (data.warning) line.append(el("strong", { class: "warn", text: ` ⚠ ${data.warning}` }));
  }

  function useTemplate(index) {
    const t = ordered[index];
    if (t && mention && !(mention.claimed_by && mention.claimed_by !== me)) fillFrom(String(t.id));
  }

  function nextVariant() {
    if (draft && draft.variants > 1) fillFrom(String(draft.template), (draft.variant + 1) % draft.variants);
  }

  async function send() {
    const field = document.getElementById("reply-text");
    const text = field?.value.trim();
    if (!text) { field?.focus(); say(gettext("Write a reply first."), "warn"); return; }
    const body = { text };
    if (draft) { body.template = draft.template; body.variant = draft.variant; }
    const result = await api(`/api/v1/mentions/${mention.id}/reply/`, body);
    const { ok } = result;
    // The text stays in the box: nothing the agent wrote is lost when the network is down.
    if (!ok) { failed(result, gettext("The reply was not sent."), send); return; }
    field.value = ""; draft = null;
    field.blur();
    say(gettext("Reply queued: sending…"), "ok");
    onAction(null, { ...mention, status: "replied", claimed_by: me });
    loadContext();
  }

  async function note(body) {
    const result = await api(`/api/v1/mentions/${mention.id}/notes/`, { body });
    if (!result.ok) { failed(result, gettext("The note was not saved."), () => note(body)); return false; }
    loadContext();
    return true;
  }

  function renderContext() {
    renderCard();
    const thread = context.in_reply_to;
    parts.thread.replaceChildren(...(thread ? [el("p", { class: "muted", text: gettext("In reply to:") }),
      el("blockquote", { class: "parent" }, thread.handle ? `@${thread.handle}: ${thread.text}`
        : interpolate(gettext("a post we do not have (%(id)s)"), { id: thread.external_id }))] : []));
    parts.replies.replaceChildren(...context.replies.map((r) => el("li", { "data-reply": r.id },
      el("span", { class: `reply-status ${r.status}`, text: r.status === "failed" ? interpolate(gettext("failed: %(error)s"), { error: r.error }) : words(STATUS, r.status) }),
      ` ${r.author} · ${r.text}`)));
    const box = el("input", { type: "text", id: "note-input", placeholder: gettext("note for the team (m)"), "aria-label": gettext("Add a note") });
    box.addEventListener("keydown", async (e) => {
      if (e.key === "Enter" && box.value.trim()) { e.preventDefault(); if (await note(box.value.trim())) box.value = ""; }
    });
    const old = parts.notes.querySelector("#note-input");
    if (old) box.value = old.value;
    const focused = document.activeElement === old;
    parts.notes.replaceChildren(el("h3", { text: gettext("Notes for the team") }),
      ...context.notes.map((n) => el("p", { class: "note" }, el("b", { text: n.author }), " ", el("time", { datetime: n.created_at, tabindex: "0", title: absoluteTime(n.created_at), text: relativeTime(n.created_at) }), " ", el("bdi", { text: n.body }))),
      box);
    if (focused) box.focus();
  }

  async function loadContext() {
    if (!mention) return;
    const id = mention.id;
    const { ok, data } = await get(`/api/v1/mentions/${id}/context/`);
    if (!ok || !mention || mention.id !== id) return;
    context = data;
    renderContext();
    renderWhy();
  }

  function refreshSoon() {
    clearTimeout(contextTimer);
    contextTimer = setTimeout(loadContext, 300);
  }

  function replyStatus(event) {
    if (!mention || event.mention !== mention.id) return;
    refreshSoon();
    if (event.status === "sent") say(gettext("Reply sent."), "ok");
    if (event.status === "failed") say(interpolate(gettext("Reply failed: %(error)s"), { error: event.error }), "bad");
  }

  return {
    show, update, refreshSoon, replyStatus, send, useTemplate, nextVariant,
    get id() { return mention?.id ?? null; },
    focus(name) { document.getElementById(name)?.focus(); },
  };
}
