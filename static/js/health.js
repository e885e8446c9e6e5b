// Connector health: re-fetch the server-rendered table every 5 s and swap it in place.
const box = document.getElementById("health-table");
const stamp = document.getElementById("health-updated");

async function refresh() {
  try {
    const response = await fetch(box.dataset.url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    box.innerHTML = await response.text();
    stamp.textContent = `Updated ${new Date().toLocaleTimeString("en-GB")}`;
  } catch (error) {
    stamp.textContent = `Could not refresh (${error.message}); retrying`;
  }
}

if (box) setInterval(refresh, 5000);
