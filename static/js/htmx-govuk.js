// When htmx puts new markup in the page (e.g. a saved Section 11 answer), start the GOV.UK Frontend
// components inside it (conditional reveals, error summaries) and move focus to the message, so a
// screen reader user hears what happened.
import { initAll } from "../govuk/govuk-frontend.min.js";

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
