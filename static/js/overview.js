// The overview refreshes its panels in place every 15 s, and at once when the switch flips.
const panels = document.getElementById("panels");

async function refresh() {
  if (!panels || document.hidden) return;
  const response = await fetch(location.href, { credentials: "same-origin" }).catch(() => null);
  if (!response?.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  const freshPanels = fresh.getElementById("panels");
  const freshSwitch = fresh.getElementById("switchbar");
  if (freshPanels) panels.replaceWith(freshPanels);
  const switchbar = document.getElementById("switchbar");
  if (freshSwitch && switchbar && !switchbar.contains(document.activeElement)) switchbar.replaceWith(freshSwitch);
}

document.addEventListener("crisis:state", () => location.reload());
setInterval(refresh, 15000);
