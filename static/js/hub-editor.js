// Live preview for hub updates: the server runs the same sanitiser as on save.
const source = document.querySelector("[data-preview-source]");
const target = document.getElementById("preview");
const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
if (source && target && csrf) {
  let timer = null;
  let sent = 0;
  source.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++sent;
      const body = new URLSearchParams({ body: source.value });
      const response = await fetch(target.dataset.previewUrl, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": csrf.value },
        credentials: "same-origin",
      });
      if (response.ok && mine === sent) {
        target.innerHTML = (await response.json()).html; // sanitised by nh3 on the server
      }
    }, 250);
  });
}
