// The live checklist of one crisis: ticks by anyone (or by an automated action) appear
// within a second over /ws/crisis/<id>/; ticking here posts without leaving the page.
import { formatDate, gettext, interpolate } from "./i18n.js";
import { liveSocket, csrfToken } from "./live.js";

const root = document.getElementById("checklist");
const conn = document.getElementById("conn");

function markOverdue() {
  const now = Date.now();
  let overdue = 0;
  for (const li of document.querySelectorAll(".checklist li[data-task]")) {
    const late = !li.classList.contains("done") && li.dataset.due && Date.parse(li.dataset.due) < now;
    li.classList.toggle("overdue", Boolean(late));
    if (late) overdue += 1;
  }
  const out = document.getElementById("overdue-count");
  if (out) {
    out.textContent = interpolate(gettext("%(n)s overdue"), { n: overdue });
    out.classList.toggle("bad", overdue > 0);
  }
}

function applyTask(task) {
  const li = document.getElementById(`task-${task.id}`);
  if (!li) return;
  const wasDone = li.classList.contains("done");  // a snapshot re-applies old ticks: only a new tick flashes
  li.classList.toggle("done", task.done);
  const button = li.querySelector(".tick");
  const title = li.querySelector(".title").firstChild.textContent.trim();
  button.textContent = task.done ? "✓" : "";
  button.setAttribute("aria-pressed", String(task.done));
  button.setAttribute("aria-label", `${task.done ? gettext("Reopen") : gettext("Mark done")}: ${title}`);
  li.querySelector("input[name=done]").value = task.done ? "0" : "1";
  // The same time, zone and format as the server's on the row beside it (the due time).
  const who = li.querySelector(".who");
  if (task.done) {
    const time = document.createElement("time");
    time.dateTime = task.done_at;
    time.textContent = formatDate(task.done_at, "TIME_FORMAT");
    // playbooks.selectors names an automated tick "automated": shown in the reader's language.
    const by = !task.done_by || task.done_by === "automated" ? gettext("automated") : task.done_by;
    who.replaceChildren(`✓ ${by} `, time);
  } else who.replaceChildren();
  if (task.done && !wasDone) li.classList.add("just-ticked");
}

function applyTotals(done, total) {
  const doneOut = document.getElementById("done-count");
  if (doneOut) doneOut.textContent = done;
  const totalOut = document.getElementById("total-count");
  if (totalOut) totalOut.textContent = total;
  const bar = document.getElementById("progress");
  if (bar) { bar.max = total || 1; bar.value = done; }
  const tab = document.getElementById("tab-progress");
  if (tab) tab.textContent = `${done}/${total}`;
  for (const head of document.querySelectorAll(".depthead")) {
    const list = head.nextElementSibling;
    const all = list.querySelectorAll("li[data-task]").length;
    const ticked = list.querySelectorAll("li.done").length;
    head.querySelector(".muted").textContent = `${ticked}/${all}`;
  }
}

const DELIVERY_STATES = { pending: gettext("Pending"), sent: gettext("Sent"), failed: gettext("Failed") };

function applyDelivery(d) {
  const li = document.getElementById(`delivery-${d.id}`);
  if (!li) return;
  const state = li.querySelector(".state");
  state.className = `state state-${d.state}`;
  state.textContent = DELIVERY_STATES[d.state] ?? d.state;
}

if (root) {
  if (root.dataset.live) {
    liveSocket(`/ws/crisis/${root.dataset.crisis}/`, {
      onState: (state) => {
        if (!conn) return;
        conn.dataset.state = state;
        conn.textContent = state === "live" ? `● ${gettext("live")}` : `○ ${gettext("reconnecting…")}`;
      },
      onMessage: (msg) => {
        if (msg.type === "checklist.tasks") {
          msg.tasks.forEach(applyTask);
          applyTotals(msg.done, msg.total);
          markOverdue();
        } else if (msg.type === "department.delivery") {
          applyDelivery(msg.delivery);
        }
      },
    });
  }
  root.addEventListener("submit", async (event) => {
    const form = event.target.closest("form");
    if (!form || !form.action.includes("/tasks/")) return;
    event.preventDefault();
    const button = form.querySelector(".tick");
    button.disabled = true;
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    }).catch(() => null);
    button.disabled = false;
    if (response?.ok) {
      applyTask(await response.json());
      markOverdue();
    } else {
      form.submit();  // the server explains (e.g. the crisis has ended) on a full page
    }
  });
  markOverdue();
  setInterval(markOverdue, 15000);
}
