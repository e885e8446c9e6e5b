// The state bar on every staff page: follows the crisis switch live over /ws/state/.
import { liveSocket } from "./live.js";

const bar = document.getElementById("statebar");
if (bar) {
  const text = document.getElementById("state-text");
  const clock = document.getElementById("state-clock");

  function pad(n) { return String(n).padStart(2, "0"); }
  function tick() {
    const since = bar.dataset.activated;
    if (bar.dataset.mode !== "crisis" || !since) { clock.textContent = ""; return; }
    const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(since)) / 60000));
    clock.textContent = ` · ${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)} since activation`;
  }

  function apply(state) {
    const phase = state.phase || "";
    const changed = bar.dataset.mode !== state.mode || bar.dataset.title !== state.title
      || (bar.dataset.phase || "") !== phase;
    bar.dataset.mode = state.mode;
    bar.dataset.title = state.title;
    bar.dataset.phase = phase;
    bar.dataset.activated = state.activated_at || "";
    const after = phase === "aftermath" ? " · AFTERMATH" : "";
    text.textContent = state.mode === "crisis" ? `CRISIS${after} · ${state.title}`
      : state.mode === "drill" ? `DRILL${after} · ${state.title}` : "NORMAL";
    tick();
    if (changed) document.dispatchEvent(new CustomEvent("crisis:state", { detail: state }));
  }

  liveSocket("/ws/state/", { onMessage: (msg) => msg.type === "crisis.state" && apply(msg.state) });
  tick();
  setInterval(tick, 15000);
}
