// Names for the admin's inputs that Django (5.2) leaves without one (axe: label, select-name,
// aria-input-field-name, aria-prohibited-attr, label-title-only). Each name is built from text the
// page already shows, so it is in the admin's language.
// Some widgets (the filter boxes, select2) are built on load by listeners added after this one:
// the names are given once they are there.
"use strict";

function text(node) {
  return node ? node.textContent.replace(/[:\s]+$/, "").replace(/\s+/g, " ").trim() : "";
}

function name(element, label) {
  if (label && !element.hasAttribute("aria-label") && !element.hasAttribute("aria-labelledby")) {
    element.setAttribute("aria-label", label);
  }
}

// A field's own label (or its fieldset's legend, for widgets made of several inputs).
function fieldLabel(element) {
  const row = element.closest(".form-row, fieldset.flex-container, .fieldBox");
  return text(row && row.querySelector("label, legend"));
}

// Date and time inputs: "Date:" and "Time:" are plain text before each input.
function nameDateTimeParts() {
  for (const input of document.querySelectorAll("p.datetime input")) {
    let before = input.previousSibling;
    while (before && before.nodeType !== Node.TEXT_NODE) before = before.previousSibling;
    name(input, [fieldLabel(input), text(before)].filter(Boolean).join(" "));
  }
}

// Columns edited on the change list (list_editable): the column's header and the row's object.
function nameListEditable() {
  const table = document.getElementById("result_list");
  if (!table) return;
  const headers = [...table.querySelectorAll("thead th")].map((th) => text(th));
  for (const field of table.querySelectorAll("tbody td input:not([type=hidden]), tbody td select")) {
    if (field.classList.contains("action-select")) continue;  // named by Django already
    const row = field.closest("tr");
    const object = text(row.querySelector("th"));
    name(field, [headers[field.closest("td").cellIndex], object].filter(Boolean).join(" · "));
  }
}

function nameSearch() {
  const search = document.getElementById("searchbar");
  const button = search && search.form && search.form.querySelector("input[type=submit]");
  if (search && button) name(search, button.value);
}

function nameBuiltWidgets() {
  // filter_horizontal's search icons: aria-label on a <span> needs a role.
  for (const icon of document.querySelectorAll("span.search-label-icon[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
  // autocomplete_fields (select2): the combobox is named by the shown choice only, empty until one
  // is made; the select's own label goes first.
  for (const box of document.querySelectorAll(".select2-selection[role=combobox]")) {
    const select = box.closest(".select2-container")?.previousElementSibling;
    const label = select && select.id && document.querySelector(`label[for="${select.id}"]`);
    if (!label) continue;
    label.id ||= `${select.id}-label`;
    const shown = box.getAttribute("aria-labelledby") || "";
    if (!shown.includes(label.id)) box.setAttribute("aria-labelledby", `${label.id} ${shown}`.trim());
    // Inside it, the choice shown is a read-only textbox of its own: the label, then its text.
    const rendered = box.querySelector(".select2-selection__rendered[role=textbox][id]");
    if (rendered) rendered.setAttribute("aria-labelledby", `${label.id} ${rendered.id}`);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  nameDateTimeParts();
  nameListEditable();
  nameSearch();
});
window.addEventListener("load", () => setTimeout(nameBuiltWidgets, 0));
