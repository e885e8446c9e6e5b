// Django's filter_horizontal widget (SelectFilter2.js) names its search icons with aria-label on a
// plain <span>, which ARIA does not allow (axe: aria-prohibited-attr): give them the img role.
// The widget is built on window load, by a listener added after this one: run after it.
"use strict";
window.addEventListener("load", () => {
  setTimeout(() => {
    for (const icon of document.querySelectorAll("span.search-label-icon[aria-label]:not([role])")) {
      icon.setAttribute("role", "img");
    }
  }, 0);
});
