import { interpolate, pgettext } from "./i18n.js";

// A websocket that reconnects with jittered backoff and tells its owner when it is (re)connected.
// State: "live", "down" (reconnecting) or "offline" (the browser says the network is gone).
// When the websocket server restarts every page loses its socket in the same instant: each waits a
// random time below a ceiling that doubles with every failed attempt ("full jitter"), so two hundred
// pages come back spread over seconds instead of all at once. When the network comes back (the
// browser's `online` event) it reconnects at once instead of waiting out the backoff.
export const RECONNECT_BASE_MS = 1000, RECONNECT_CAP_MS = 15000;
export function reconnectDelay(attempt, random = Math.random) {
  return Math.round(random() * Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** attempt));
}

export function liveSocket(path, { onMessage, onOpen, onState }) {
  let socket, attempt = 0, closed = false, timer = null;
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
  function connect() {
    clearTimeout(timer); timer = null;
    socket = new WebSocket(url);
    socket.addEventListener("open", () => { attempt = 0; onState?.("live"); onOpen?.(socket); });
    socket.addEventListener("message", (e) => onMessage(JSON.parse(e.data)));
    socket.addEventListener("close", (e) => {
      onState?.(navigator.onLine === false ? "offline" : "down");
      if (closed || e.code === 4403) return;  // 4403: not allowed, reconnecting will not help
      timer = setTimeout(connect, reconnectDelay(attempt++));
    });
  }
  addEventListener("online", () => {
    if (closed || socket?.readyState === WebSocket.OPEN || socket?.readyState === WebSocket.CONNECTING) return;
    attempt = 0;
    connect();
  });
  addEventListener("offline", () => {
    onState?.("offline");
    // A dead socket can take a minute to notice the network is gone: drop it, the close handler retries.
    if (socket?.readyState === WebSocket.OPEN) socket.close();
  });
  connect();
  return {
    send: (msg) => socket?.readyState === 1 && socket.send(JSON.stringify(msg)),
    close: () => { closed = true; clearTimeout(timer); socket?.close(); },
  };
}

export function relativeTime(iso, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  const short = (unit, n) => interpolate(unit, { n });
  if (seconds < 60) return short(pgettext("seconds ago, short", "%(n)ss"), seconds);
  if (seconds < 3600) return short(pgettext("minutes ago, short", "%(n)sm"), Math.floor(seconds / 60));
  if (seconds < 86400) return short(pgettext("hours ago, short", "%(n)sh"), Math.floor(seconds / 3600));
  return short(pgettext("days ago, short", "%(n)sd"), Math.floor(seconds / 86400));
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : document.querySelector("[name=csrfmiddlewaretoken]")?.value ?? "";
}
