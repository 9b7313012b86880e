// When htmx puts new markup in the page (e.g. a saved Section 11 answer), start the GOV.UK Frontend
// components inside it (conditional reveals, error summaries) and move focus to the message, so a
// screen reader user hears what happened.
//
// Refusals of an in-place save never replace what was typed. A response that is the saved fragment itself
// (the same element re-rendered: a 409 conflict or a 400 with errors next to the fields, typed text kept and
// the new version carried) is swapped in. Anything else (403 because the record was submitted meanwhile, a
// file over the request limit, a 5xx, a proxy's error page, no connection at all) is not swapped: its message
// is shown at the top of the element, above the form, and the form keeps what was typed.
import { initAll } from "../govuk/govuk-frontend.min.js";

const MESSAGES = {
  400: "Not saved: the service could not read what was sent. What you typed is still here: try again.",
  403: "Not saved: you can no longer change this. It may have been submitted or closed meanwhile. What you typed "
    + "is still here: copy it before you leave the page.",
  413: "Not saved: the file is too large. Choose a smaller file, then save again. What you typed is still here.",
  server: "Not saved: something went wrong on our side. What you typed is still here: try again in a few minutes.",
  network: "Not saved: the service could not be reached. Check your connection, then save again. What you typed "
    + "is still here.",
};

function parse(html) {
  return new DOMParser().parseFromString(html || "", "text/html");
}

function isFragmentFor(target, html) {
  if (!target || !target.id) return false;
  const doc = parse(html);
  return !doc.querySelector("main") && doc.getElementById(target.id) !== null;
}

function messageFor(xhr) {
  const own = parse(xhr.responseText).querySelector("[data-error-message]");
  const text = own ? own.textContent.trim() : "";
  if (text) return `Not saved: ${text.charAt(0).toLowerCase()}${text.slice(1)} What you typed is still here.`;
  if (xhr.status >= 500) return MESSAGES.server;
  return MESSAGES[xhr.status] || MESSAGES[400];
}

function showRefusal(target, text) {
  if (!target) return;
  let box = target.querySelector(".app-save-error");
  if (!box) {
    box = document.createElement("div");
    box.className = "govuk-error-summary app-save-error";
    box.setAttribute("role", "alert");
    box.setAttribute("tabindex", "-1");
    const title = document.createElement("h3");
    title.className = "govuk-error-summary__title";
    title.textContent = "There is a problem";
    const body = document.createElement("div");
    body.className = "govuk-error-summary__body";
    const paragraph = document.createElement("p");
    paragraph.className = "govuk-body app-save-error__text";
    body.appendChild(paragraph);
    box.append(title, body);
    const form = target.querySelector("form");
    if (form) form.parentNode.insertBefore(box, form);
    else target.prepend(box);
  }
  box.querySelector(".app-save-error__text").textContent = text;
  box.focus();
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const { xhr, target } = event.detail;
  if (xhr.status < 400) return;
  if (isFragmentFor(target, xhr.responseText)) {
    event.detail.shouldSwap = true; // the element again, with its errors beside the fields and the text kept
    event.detail.isError = false;
    return;
  }
  event.detail.shouldSwap = false;
  event.detail.isError = false; // handled: shown beside the form (htmx would only log it)
  showRefusal(target, messageFor(xhr));
});

function unreachable(event) {
  const { elt, target } = event.detail;
  showRefusal(target || (elt && elt.closest("[id]")), MESSAGES.network);
}
document.addEventListener("htmx:sendError", unreachable);
document.addEventListener("htmx:timeout", unreachable);

document.addEventListener("htmx:load", (event) => {
  const scope = event.detail.elt;
  if (!scope || scope === document.body) return; // the page itself is started by base.html
  initAll({ scope });
  const message = scope.querySelector(".govuk-error-message, .app-saved");
  if (message) {
    message.setAttribute("tabindex", "-1");
    message.focus();
  }
});
