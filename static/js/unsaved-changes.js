// Warn before leaving a page with unsaved changes (forms marked data-unsaved-warning).
//
// A part of the form marked data-unsaved-item="C1.2" is unsaved when a control in it differs from what the page
// was served with (or from what htmx last put there), or when it shows an error (what was typed was refused and
// is not saved). Leaving by a link in the page shows a warning at the top of the form that names those parts,
// with a button that saves them all and a link that leaves anyway; closing or reloading the tab asks the browser
// to confirm (beforeunload). Submitting the form is not leaving: it saves. No inline script (CSP).

const WARNING_ID = "app-unsaved-warning";

function changed(control) {
  if (control.disabled || !control.name || control.type === "hidden") return false;
  if (control.type === "file") return control.files && control.files.length > 0;
  if (control.type === "radio" || control.type === "checkbox") return control.checked !== control.defaultChecked;
  if (control.tagName === "SELECT") {
    return Array.from(control.options).some((option) => option.selected !== option.defaultSelected);
  }
  return control.value !== control.defaultValue;
}

function unsavedItems(form) {
  const names = [];
  for (const item of form.querySelectorAll("[data-unsaved-item]")) {
    const controls = item.querySelectorAll("input, textarea, select");
    if (Array.from(controls).some(changed) || item.querySelector(".govuk-form-group--error")) {
      names.push(item.getAttribute("data-unsaved-item"));
    }
  }
  return names;
}

function listed(names) {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

function showWarning(form, names, href) {
  let warning = document.getElementById(WARNING_ID);
  if (!warning) {
    warning = document.createElement("div");
    warning.id = WARNING_ID;
    warning.className = "govuk-error-summary";
    warning.setAttribute("role", "alert");
    warning.setAttribute("tabindex", "-1");
    form.prepend(warning);
  }
  warning.replaceChildren();
  const title = document.createElement("h2");
  title.className = "govuk-error-summary__title";
  title.textContent = "You have unsaved changes";
  const body = document.createElement("div");
  body.className = "govuk-error-summary__body";
  const text = document.createElement("p");
  text.className = "govuk-body";
  text.textContent = `Your changes to ${listed(names)} are not saved yet.`;
  const group = document.createElement("div");
  group.className = "govuk-button-group";
  const save = document.createElement("button");
  save.type = "submit";
  save.name = "then";
  save.value = "stay";
  save.className = "govuk-button";
  save.textContent = "Save my changes";
  const leave = document.createElement("a");
  leave.className = "govuk-link";
  leave.href = href;
  leave.textContent = "Leave without saving";
  leave.setAttribute("data-unsaved-leave", "");
  group.append(save, leave);
  body.append(text, group);
  warning.append(title, body);
  warning.focus();
  warning.scrollIntoView({ block: "start" });
}

function watch(form) {
  let leaving = false;
  form.addEventListener("submit", () => { leaving = true; });
  window.addEventListener("beforeunload", (event) => {
    if (leaving || !unsavedItems(form).length) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers need a value to ask
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (link.hasAttribute("data-unsaved-leave")) { leaving = true; return; }
    if (link.target === "_blank" || link.hasAttribute("download")) return;
    const url = new URL(link.href, window.location.href);
    if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) return;
    if (url.pathname.startsWith("/section-11/evidence/")) return;  // a download does not leave the page
    const names = unsavedItems(form);
    if (!names.length) return;
    event.preventDefault();
    showWarning(form, names, link.href);
  });
}

for (const form of document.querySelectorAll("form[data-unsaved-warning]")) watch(form);
