// A wide table in a narrow window scrolls sideways inside its .app-table-wrap. Keyboard users must be
// able to reach and scroll it (WCAG 2.1.1), so a wrapper that actually scrolls becomes a focusable,
// named region; one that fits stays out of the tab order.
function label(wrap) {
  const caption = wrap.querySelector("caption");
  const text = caption ? caption.textContent.trim().replace(/\s+/g, " ") : "Table";
  return `${text} (scrolls sideways)`;
}

function update() {
  document.querySelectorAll(".app-table-wrap").forEach((wrap) => {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", label(wrap));
    } else if (wrap.getAttribute("role") === "region") {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
    }
  });
}

update();
window.addEventListener("resize", update);
document.addEventListener("htmx:load", update);
