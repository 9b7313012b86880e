// GOV.UK Frontend's skip link moves focus to <main>. Keep the browser from also putting "#main-content" in
// the address: a form on the page posts back to its own address, fragment and all, and the page that comes
// back jumps to the fragment after loading, which takes focus away from the error summary or success banner
// that GOV.UK Frontend has just focused for screen reader users. Without JavaScript the link is a plain
// link to the fragment; if GOV.UK Frontend did not start, it is left alone.
document.querySelectorAll(".govuk-skip-link").forEach((link) => {
  link.addEventListener("click", (event) => {
    if (link.hasAttribute("data-govuk-skip-link-init")) event.preventDefault();
  });
});
