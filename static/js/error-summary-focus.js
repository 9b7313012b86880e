// GOV.UK Frontend gives the error summary focus, so a screen reader reads the problems first. A form posted
// from an address with a fragment comes back to that address (a person who took the skip link posts to
// ".../#main-content"), and the browser's move to the fragment, after the page has loaded, takes focus back
// to the page itself. Give it to the summary again. Without JavaScript the summary is simply at the top.
const summary = document.querySelector('[data-module="govuk-error-summary"]');

if (summary && window.location.hash) {
  window.addEventListener("load", () => {
    if (!document.activeElement || document.activeElement === document.body) summary.focus();
  });
}
