import { formatDate, gettext, interpolate } from "./i18n.js";

// Connector health: re-fetch the server-rendered table every 5 s and swap it in place.
const box = document.getElementById("health-table");
const stamp = document.getElementById("health-updated");

async function refresh() {
  try {
    const response = await fetch(box.dataset.url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    box.innerHTML = await response.text();
    stamp.textContent = interpolate(gettext("Updated %(time)s"), { time: formatDate(new Date(), "TIME_SECONDS_FORMAT") });
  } catch (error) {
    stamp.textContent = interpolate(gettext("Could not refresh (%(error)s); retrying"), { error: error.message });
  }
}

if (box) setInterval(refresh, 5000);
