// The state bar on every staff page: follows the crisis switch live over /ws/state/.
import { gettext, interpolate } from "./i18n.js";
import { liveSocket } from "./live.js";

// The language picker applies a choice at once; its button is for pages without JavaScript.
for (const select of document.querySelectorAll(".langform select")) {
  select.addEventListener("change", () => select.form.requestSubmit());
  const button = select.form.querySelector("button");
  if (button) button.hidden = true;
}

const bar = document.getElementById("statebar");
if (bar) {
  const text = document.getElementById("state-text");
  const clock = document.getElementById("state-clock");

  function pad(n) { return String(n).padStart(2, "0"); }
  function tick() {
    const since = bar.dataset.activated;
    if (bar.dataset.mode !== "crisis" || !since) { clock.textContent = ""; return; }
    const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(since)) / 60000));
    const time = `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
    clock.textContent = ` · ${interpolate(gettext("%(time)s since activation"), { time })}`;
  }

  function apply(state) {
    const phase = state.phase || "";
    const changed = bar.dataset.mode !== state.mode || bar.dataset.title !== state.title
      || (bar.dataset.phase || "") !== phase;
    bar.dataset.mode = state.mode;
    bar.dataset.title = state.title;
    bar.dataset.phase = phase;
    bar.dataset.activated = state.activated_at || "";
    const after = phase === "aftermath" ? ` · ${gettext("AFTERMATH")}` : "";
    text.textContent = state.mode === "crisis" ? `${gettext("CRISIS")}${after} · ${state.title}`
      : state.mode === "drill" ? `${gettext("DRILL")}${after} · ${state.title}` : gettext("NORMAL");
    tick();
    if (changed) document.dispatchEvent(new CustomEvent("crisis:state", { detail: state }));
  }

  // SLA breaches, spikes and missed hub updates, for the comms lead on any page (triage/alerts.py).
  function alert(msg) {
    let box = document.getElementById("alertbar");
    if (!box) {
      box = document.createElement("div");
      box.id = "alertbar"; box.className = "alertbar"; box.setAttribute("role", "alert");
      document.body.append(box);
    }
    const line = document.createElement("p");
    line.className = `alert-line ${msg.kind === "spike" ? "warn" : "bad"}`;
    const label = { spike: gettext("Spike"), sla_breach: gettext("SLA"), hub_overdue: gettext("Hub page") }[msg.kind] || gettext("Alert");
    line.textContent = `${label} · ${msg.message} `;
    if (msg.kind === "spike" && msg.details?.activate_url) {
      const link = document.createElement("a");
      link.href = msg.details.activate_url; link.textContent = gettext("Activate crisis mode");
      line.append(link, " ");
    }
    const close = document.createElement("button");
    close.type = "button"; close.className = "linkbutton"; close.textContent = gettext("dismiss");
    close.addEventListener("click", () => line.remove());
    line.append(close);
    box.replaceChildren(line, ...[...box.children].slice(0, 2));
  }

  liveSocket("/ws/state/", {
    onMessage: (msg) => {
      if (msg.type === "crisis.state") apply(msg.state);
      else if (msg.type === "triage.alert") alert(msg);
    },
  });
  tick();
  setInterval(tick, 15000);
}
