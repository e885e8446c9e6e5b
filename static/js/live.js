// A websocket that reconnects with backoff and tells its owner when it is (re)connected.
export function liveSocket(path, { onMessage, onOpen, onState }) {
  let socket, delay = 500, closed = false;
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
  function connect() {
    socket = new WebSocket(url);
    socket.addEventListener("open", () => { delay = 500; onState?.("live"); onOpen?.(socket); });
    socket.addEventListener("message", (e) => onMessage(JSON.parse(e.data)));
    socket.addEventListener("close", (e) => {
      onState?.("down");
      if (closed || e.code === 4403) return;  // 4403: not allowed, reconnecting will not help
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10000);
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
