// A crisis room: the server renders the history and a plain form; this module makes it live.
// Every message body is set with textContent, never as HTML.
import { formatDate, gettext } from "./i18n.js";
import { liveSocket } from "./live.js";

const section = document.getElementById("room");
const list = document.getElementById("messages");
const scroller = document.getElementById("room-scroll");
const form = document.getElementById("compose");
const textarea = document.getElementById("id_body");
const errorLine = document.getElementById("compose-error");
const conn = document.getElementById("conn");
const me = section.dataset.me;
let pending = null;

const nearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60;
const toBottom = () => { scroller.scrollTop = scroller.scrollHeight; };
const known = (id) => list.querySelector(`li[data-id="${id}"]`) !== null;

function render(m) {
  const li = document.createElement("li");
  li.dataset.id = m.id;
  if (m.author === me) li.className = "mine";
  const author = document.createElement("span");
  author.className = "author";
  author.textContent = m.author;
  const time = document.createElement("time");
  time.dateTime = m.posted_at;
  time.title = formatDate(m.posted_at, "DATETIME_SECONDS_FORMAT");
  time.textContent = formatDate(m.posted_at, "TIME_FORMAT");
  const body = document.createElement("p");
  body.className = "body";
  body.textContent = m.body;  // white-space: pre-wrap keeps the line breaks
  li.append(author, time, body);
  return li;
}

function append(messages) {
  const stick = nearBottom();
  document.getElementById("empty-room")?.remove();
  for (const m of messages) if (!known(m.id)) list.append(render(m));
  if (stick) toBottom();
}

function prepend(messages, hasMore) {
  const before = scroller.scrollHeight;
  const first = list.firstElementChild;
  for (const m of messages) if (!known(m.id)) list.insertBefore(render(m), first);
  scroller.scrollTop += scroller.scrollHeight - before;  // keep the reader's place
  const older = document.getElementById("older");
  if (older && messages.length) older.dataset.before = messages[0].id;
  if (older && !hasMore) older.parentElement.remove();
}

// Reading an older page (?before=) stays a plain page: live messages belong with the latest ones.
const paged = new URLSearchParams(location.search).has("before");
const socket = paged ? { send() {} } : liveSocket(section.dataset.socket, {
  onState: (state) => {
    conn.dataset.state = state;
    conn.textContent = state === "live" ? `● ${gettext("live")}` : `○ ${gettext("reconnecting…")}`;
  },
  onMessage: (event) => {
    if (event.type === "room.history") append(event.messages);
    else if (event.type === "room.message") {
      append([event.message]);
      if (pending !== null && event.message.author === me && event.message.body === pending) pending = null;
    } else if (event.type === "room.page") prepend(event.messages, event.has_more);
    else if (event.type === "room.error") {
      errorLine.textContent = event.message;
      if (pending !== null && textarea && !textarea.value) textarea.value = pending;
      pending = null;
    }
  },
});

form?.addEventListener("submit", (e) => {
  if (conn.dataset.state !== "live") return;  // not connected: the plain form posts
  e.preventDefault();
  const body = textarea.value.trim();
  if (!body) { errorLine.textContent = gettext("Write a message first."); return; }
  errorLine.textContent = "";
  pending = body;
  socket.send({ type: "post", body });
  textarea.value = "";
  toBottom();
});

textarea?.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    form.requestSubmit();
  }
});

document.getElementById("older")?.addEventListener("click", (e) => {
  if (conn.dataset.state !== "live") return;
  e.preventDefault();
  socket.send({ type: "older", before: Number(e.currentTarget.dataset.before) });
});

if (!paged) toBottom();
