// A websocket that reconnects with jittered backoff and tells its owner when it is (re)connected.
// When the websocket server restarts every page loses its socket in the same instant: each waits a
// random time below a ceiling that doubles with every failed attempt ("full jitter"), so two hundred
// pages come back spread over seconds instead of all at once.
export const RECONNECT_BASE_MS = 1000, RECONNECT_CAP_MS = 15000;
export function reconnectDelay(attempt, random = Math.random) {
  return Math.round(random() * Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** attempt));
}

export function liveSocket(path, { onMessage, onOpen, onState }) {
  let socket, attempt = 0, closed = false;
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
  function connect() {
    socket = new WebSocket(url);
    socket.addEventListener("open", () => { attempt = 0; onState?.("live"); onOpen?.(socket); });
    socket.addEventListener("message", (e) => onMessage(JSON.parse(e.data)));
    socket.addEventListener("close", (e) => {
      onState?.("down");
      if (closed || e.code === 4403) return;  // 4403: not allowed, reconnecting will not help
      setTimeout(connect, reconnectDelay(attempt++));
    });
  }
  connect();
  return { send: (msg) => socket?.readyState === 1 && socket.send(JSON.stringify(msg)), close: () => { closed = true; socket?.close(); } };
}

export function relativeTime(iso, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : document.querySelector("[name=csrfmiddlewaretoken]")?.value ?? "";
}
