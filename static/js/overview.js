// The overview refreshes its panels in place every 15 s, and at once when the switch flips.
// Looked up by id each time: the panels element is replaced on every refresh. A panel
// holding the keyboard focus is left alone, so nothing moves under the lead's hand.

async function refresh() {
  const panels = document.getElementById("panels");
  if (!panels || document.hidden || panels.contains(document.activeElement)) return;
  const response = await fetch(location.href, { credentials: "same-origin" }).catch(() => null);
  if (!response?.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  const freshPanels = fresh.getElementById("panels");
  const freshSwitch = fresh.getElementById("switchbar");
  const current = document.getElementById("panels");
  if (freshPanels && current && !current.contains(document.activeElement)) current.replaceWith(freshPanels);
  const alerts = document.getElementById("alerts");
  const freshAlerts = fresh.getElementById("alerts");
  if (freshAlerts && alerts && !alerts.contains(document.activeElement)) alerts.replaceWith(freshAlerts);
  const switchbar = document.getElementById("switchbar");
  if (freshSwitch && switchbar && !switchbar.contains(document.activeElement)) switchbar.replaceWith(freshSwitch);
}

document.addEventListener("crisis:state", () => location.reload());
setInterval(refresh, 15000);
