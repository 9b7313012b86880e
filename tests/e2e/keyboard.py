"""Driving a journey two ways, for tests/e2e/test_keyboard_nojs.py.

- `KeyboardDriver` (JavaScript on): after `page.goto`, only `page.keyboard`: Tab and Shift+Tab to reach a
  control, `keyboard.type` to write in it, arrow keys for radios and selects, Space for check boxes and
  buttons, Enter for links. No `click()`, no `fill()`. On every page it arrives at it walks the whole tab
  order forward and back (`walk`): the skip link is the first stop, every control that takes focus shows
  the GOV.UK focus style (yellow, and different from the same control unfocused), and focus leaves the
  last control (no keyboard trap) and comes back the same way. Then it takes the skip link, which must
  put the next Tab inside <main>.
- `FormDriver` (JavaScript off): plain clicks and form filling, so every step is a full form post and a
  redirect; on every page it arrives at, nothing a person needs is hidden (`assert_nothing_hidden`).

Locators are only *read* by the keyboard driver (to know which element is wanted and when it has focus).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page

YELLOW = "rgb(255, 221, 0)"  # GOV.UK $govuk-focus-colour (#ffdd00)
MAX_STOPS = 400  # more tab stops than that on one page is a trap, or a page nobody can use by keyboard
FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select, textarea, summary"

# The focus style of an element, as the computed values it is drawn with. Radios and check boxes draw it on
# their label's ::before (the input itself is transparent), so that is read too.
_STATE_JS = """
(() => {
  const style = (node, pseudo) => {
    const s = getComputedStyle(node, pseudo);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
      ? `outline ${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}` : 'no outline';
    return [outline, `shadow ${s.boxShadow}`, `background ${s.backgroundColor}`, `colour ${s.color}`,
            `border ${s.borderTopWidth} ${s.borderTopColor}`, `text ${s.textDecorationLine}`].join('; ');
  };
  const signature = (el) => {
    let text = style(el, null);
    if (el.matches('.govuk-radios__input, .govuk-checkboxes__input') && el.labels && el.labels[0]) {
      text += ' | label::before ' + style(el.labels[0], '::before');
    }
    return text;
  };
  const name = (el) => {
    const labelled = el.getAttribute('aria-label')
      || (el.labels && el.labels[0] ? el.labels[0].textContent : '')
      || el.textContent || el.value || el.getAttribute('name') || '';
    return labelled.replace(/\\s+/g, ' ').trim().slice(0, 80);
  };
  const describe = (el) => {
    if (!el || el === document.body || el === document.documentElement) return 'BODY';
    const kind = el.getAttribute('type') ? `${el.tagName.toLowerCase()}[${el.getAttribute('type')}]`
                                         : el.tagName.toLowerCase();
    return `${kind}${el.id ? '#' + el.id : ''} "${name(el)}"`;
  };
  return {signature, describe};
})()
"""

_STEP_JS = """
() => {
  const {signature, describe} = HELPERS;
  const state = window.__keyboardTest || (window.__keyboardTest = {previous: null, ids: new WeakMap(), next: 1});
  const result = {previous: null, current: null};
  const el = document.activeElement;
  const before = state.previous;
  if (before && before.stop && before.el !== el && before.el.isConnected) {
    result.previous = {description: before.description, focused: before.signature, unfocused: signature(before.el)};
  }
  if (!el || el === document.body || el === document.documentElement) {
    state.previous = null;
    result.current = {description: 'BODY', body: true, skipLink: false, inMain: false};
    return result;
  }
  if (!state.ids.has(el)) state.ids.set(el, state.next++);
  const box = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  result.current = {
    description: describe(el), body: false, signature: signature(el), id: state.ids.get(el),
    shown: box.width > 0 && box.height > 0 && s.visibility !== 'hidden',
    inMain: !!el.closest('main'), skipLink: el.classList.contains('govuk-skip-link'),
    // A tab stop. Not one: a message the page focused itself (tabindex="-1", a saved answer's confirmation),
    // which a key can meet only when the page moves focus just as the key is pressed.
    stop: el.tabIndex >= 0,
  };
  state.previous = {el, stop: result.current.stop, description: result.current.description,
                    signature: result.current.signature};
  return result;
}
""".replace("HELPERS", _STATE_JS.strip())

_TWO_FRAMES_JS = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"

# Which element a step wants: that one, or (a radio group) any radio of the same name in the same form.
_MATCHES_JS = """(el, target, mode) => el === target || (mode === 'group' && el && el.type === 'radio'
    && el.name === target.name && el.form === target.form)"""


class KeyboardTrap(AssertionError):
    pass


@dataclass
class KeyboardDriver:
    """Reaches and works every control with the keyboard alone, checking focus on every stop."""

    page: Page
    trail: list[str] = field(default_factory=list)
    checked: int = 0  # focus indicators compared focused/unfocused, for the test to assert it looked at some
    name = "keyboard"

    # --- the primitive: one key, then what has focus --------------------------------------------------------
    def key(self, key: str) -> dict:
        self.page.keyboard.press(key)
        step = self.page.evaluate(_STEP_JS)
        if step["current"]["body"] and key in ("Tab", "Shift+Tab"):
            # Out of the document and back is a trip through the browser's own frame; on a loaded machine the read
            # can come before focus lands on the page's last (or first) stop. Two frames later it has landed.
            self.page.evaluate(_TWO_FRAMES_JS)
            settled = self.page.evaluate(_STEP_JS)
            if not settled["current"]["body"]:
                step = {"current": settled["current"], "previous": step["previous"]}
        current, previous = step["current"], step["previous"]
        self.trail = (self.trail + [f"{key} → {current['description']}"])[-25:]
        if previous is not None:
            assert previous["focused"] != previous["unfocused"], (
                f"{previous['description']} looks the same focused and unfocused on {self.page.url}: "
                f"{previous['focused']}")
            self.checked += 1
        if key in ("Tab", "Shift+Tab") and not current["body"] and current["stop"]:
            assert current["shown"], f"focus went to {current['description']}, which cannot be seen ({self.page.url})"
            assert YELLOW in current["signature"], (
                f"{current['description']} has no GOV.UK focus style on {self.page.url}: {current['signature']}")
        return current

    def focused_is(self, handle) -> bool:
        return self.page.evaluate("(el) => document.activeElement === el", handle)

    def assert_nothing_focused(self) -> None:
        focused = self.page.evaluate("() => document.activeElement === document.body || !document.activeElement")
        assert focused, f"something already has focus on {self.page.url}: " + "\n".join(self.trail)

    # --- whole-page checks -------------------------------------------------------------------------------
    def walk(self) -> list[tuple[int, str]]:
        """From a freshly loaded page: Tab through every stop to the end and round to the skip link again,
        then Shift+Tab back through the same stops in reverse. Returns the stops."""
        self.page.wait_for_load_state()
        arrival = self.page.evaluate("""() => {
            const summary = document.querySelector('.govuk-error-summary');
            const banner = document.querySelector('.govuk-notification-banner[role=alert]');
            const el = document.activeElement;
            return {summary: !!summary, banner: !!banner && !summary, focused: el === (summary || banner)};
        }""")
        fragment = urlsplit(self.page.url).fragment
        if (arrival["summary"] or arrival["banner"]) and fragment in ("", "main-content"):
            # GOV.UK Frontend gives focus to the error summary (or a success banner), for a screen reader to read
            # (a redirect to a place on the page takes the person there instead)
            assert arrival["focused"], f"the error summary or success banner on {self.page.url} does not have focus"
        elif not fragment:
            self.assert_nothing_focused()
        first = self.key("Tab")
        if arrival["summary"] or arrival["banner"] or fragment:
            # Focus starts at the error summary or banner, or at the place the address names (#main-content after
            # a form posted from a page whose skip link was taken, kept through the redirect). Go round to the top.
            for _ in range(MAX_STOPS):
                if first["skipLink"]:
                    break
                first = self.key("Tab")
        assert first["skipLink"], f"the first tab stop on {self.page.url} is {first['description']}, not the skip link"
        forward = [(first["id"], first["description"])]
        while True:  # round the page: past the last stop, out of the document (not always) and back to the top
            current = self.key("Tab")
            if current["body"]:
                assert self.key("Tab")["skipLink"], f"after the last stop on {self.page.url}, Tab did not come round"
                break
            stop = (current["id"], current["description"])
            if stop == forward[0]:
                break
            if stop in forward or len(forward) > MAX_STOPS:
                raise KeyboardTrap(f"Tab went round in a loop on {self.page.url}: " + "\n".join(self.trail))
            forward.append(stop)
        backward = []  # from the skip link, Shift+Tab goes out of the page and round to the last stop
        while not backward or backward[-1] != forward[0]:
            current = self.key("Shift+Tab")
            if not current["body"]:
                backward.append((current["id"], current["description"]))
            if len(backward) > len(forward) + 1:
                break
        assert backward == forward[::-1], (
            f"Shift+Tab on {self.page.url} does not retrace Tab:\nforward {forward}\nbackward {backward}")
        return forward

    def skip_to_main(self) -> None:
        """Take the skip link (the first stop; `walk` ends on it): the next Tab must land inside <main>."""
        on_skip_link = "() => !!document.activeElement && document.activeElement.classList.contains('govuk-skip-link')"
        if not self.page.evaluate(on_skip_link):
            self.assert_nothing_focused()
            assert self.key("Tab")["skipLink"], f"the first tab stop on {self.page.url} is not the skip link"
        self.page.keyboard.press("Enter")
        in_main = self.page.evaluate("() => document.activeElement && document.activeElement.id === 'main-content'")
        assert in_main, f"the skip link did not move focus to <main> on {self.page.url}"
        # ... without putting #main-content in the address, where a form posted from the page would keep it and
        # the page that comes back would jump there, taking focus from its error summary (static/js/skip-link.js)
        assert not urlsplit(self.page.url).fragment.endswith("main-content"), "the skip link changed the address"
        current = self.key("Tab")
        in_main = f"[...document.querySelector('main').querySelectorAll('{FOCUSABLE}')].filter(e => e.tabIndex >= 0)"
        if self.page.evaluate(f"() => {in_main}.length > 0"):
            assert current["inMain"], (
                f"after the skip link on {self.page.url}, Tab went to {current['description']}, outside <main>: "
                + "\n".join(self.trail))
        else:  # nothing in <main> takes focus: the next stop is after it
            assert not current["skipLink"], f"after the skip link on {self.page.url}, Tab went back to the top"

    def arrive(self) -> list[tuple[int, str]]:
        stops = self.walk()
        self.skip_to_main()
        return stops

    # --- reaching a control ------------------------------------------------------------------------------
    def tab_to(self, target: Locator, *, group: bool = False) -> None:
        """Tab (or Shift+Tab, when it is behind the focus) until the target has focus (with `group`, any radio
        of the target's group)."""
        handle = target.element_handle()
        mode = "group" if group else "one"
        where = self.page.evaluate(
            """([target, mode]) => {
                const matches = MATCHES;
                const el = document.activeElement;
                if (el && matches(el, target, mode)) return 'here';
                if (!el || el === document.body) return 'after';
                return el.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING ? 'after' : 'before';
            }""".replace("MATCHES", _MATCHES_JS), [handle, mode])
        if where == "here":
            return
        key = "Tab" if where == "after" else "Shift+Tab"
        for _ in range(MAX_STOPS):
            current = self.key(key)
            if current["body"]:
                break
            if self.page.evaluate(f"([target, mode]) => ({_MATCHES_JS})(document.activeElement, target, mode)",
                                  [handle, mode]):
                return
        raise AssertionError(f"{key} never reached {target} on {self.page.url}:\n" + "\n".join(self.trail))

    # --- working a control -------------------------------------------------------------------------------
    def type(self, target: Locator, text: str) -> None:
        self.tab_to(target)
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)
        typed = target.input_value()
        assert typed == text, f"typing {text!r} into {target} left {typed!r}"

    def choose(self, radio: Locator) -> None:
        """Tab into the radio group (it lands on the chosen radio, or the first), then arrow to the one wanted."""
        self.tab_to(radio, group=True)
        handle = radio.element_handle()
        count = self.page.evaluate("(el) => (el.form || document).querySelectorAll("
                                   "`input[type=radio][name=\"${el.name}\"]`).length", handle)
        for _ in range(count + 1):
            if self.focused_is(handle):
                break
            self.key("ArrowDown")
        assert self.focused_is(handle), f"the arrow keys never reached {radio}"
        if not radio.is_checked():
            self.key("Space")
        assert radio.is_checked(), f"{radio} is not chosen"

    def check(self, box: Locator) -> None:
        self.tab_to(box)
        if not box.is_checked():
            self.key("Space")
        assert box.is_checked(), f"{box} is not ticked"

    def select(self, select: Locator, label: str) -> None:
        self.tab_to(select)
        handle = select.element_handle()
        wanted, now = self.page.evaluate(
            "([el, label]) => [[...el.options].findIndex(o => o.label.trim() === label), el.selectedIndex]",
            [handle, label])
        assert wanted >= 0, f"{select} has no option {label!r}"
        for _ in range(abs(wanted - now)):
            self.page.keyboard.press("ArrowDown" if wanted > now else "ArrowUp")
        chosen = self.page.evaluate("(el) => el.options[el.selectedIndex].label.trim()", handle)
        assert chosen == label, f"the arrow keys chose {chosen!r} in {select}, not {label!r}"

    def date(self, group: Locator, day: datetime.date) -> None:
        for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
            self.type(group.get_by_label(part, exact=True), str(value))

    def reveal(self, summary: Locator) -> None:
        """Open a <details> by its summary: Enter."""
        self.tab_to(summary)
        self.key("Enter")

    def follow(self, link: Locator) -> None:
        """A link: Enter, and wait for the page it goes to."""
        self.tab_to(link)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.arrive()

    def press(self, button: Locator, *, htmx: bool = False) -> None:
        """A button: Space (a <button>, or a link styled as one), then the page it leads to. With `htmx`, the
        answer is swapped into the page instead: no new page."""
        self.tab_to(button)
        if htmx:
            self.page.keyboard.press("Space")
            return
        with self.page.expect_navigation():
            self.page.keyboard.press("Space")
        self.arrive()

    def download(self, link: Locator):
        """A download link: Enter, or Space when it is styled as a button (GOV.UK Frontend's button script)."""
        self.tab_to(link)
        key = "Space" if link.get_attribute("role") == "button" else "Enter"
        with self.page.expect_download() as download:
            self.page.keyboard.press(key)
        return download.value


def assert_nothing_hidden(page: Page) -> None:
    """With JavaScript off: every form control and link in <main> can be seen (or sits in a native <details>,
    which opens without JavaScript), nothing in <main> waits for a script to unhide it, and the GOV.UK
    components that JavaScript would collapse (conditional reveals, tabs, accordions, the menu) show their
    content."""
    assert page.evaluate("() => !document.body.classList.contains('js-enabled')"), "JavaScript ran"
    hidden = page.evaluate(
        """() => {
            const shown = (el) => { const b = el.getBoundingClientRect(), s = getComputedStyle(el);
                                    return b.width > 0 && b.height > 0 && s.visibility !== 'hidden'; };
            const html = (el) => el.outerHTML.slice(0, 120);
            const meant = (el) => el.closest('[data-honeypot]');  // a trap for robots, hidden from people on purpose
            const found = [];
            const controls = 'main input:not([type=hidden]), main select, main textarea, main button, main a[href]';
            for (const el of document.querySelectorAll(controls)) {
                if (meant(el)) continue;
                const closed = el.closest('details:not([open])');  // opens without JavaScript: its summary shows
                if (closed ? !shown(closed.querySelector('summary'))
                           : !shown(el) && !el.closest('.govuk-visually-hidden')) found.push(html(el));
            }
            const collapsible = '.govuk-radios__conditional, .govuk-checkboxes__conditional, .govuk-tabs__panel,'
                + ' .govuk-accordion__section-content, .govuk-service-navigation__list, main [hidden]';
            for (const el of document.querySelectorAll(collapsible)) {
                if (!meant(el) && !shown(el) && el.textContent.trim()) found.push(html(el));
            }
            return found;
        }""")
    assert not hidden, f"hidden without JavaScript on {page.url}:\n" + "\n".join(hidden)


@dataclass
class FormDriver:
    """JavaScript off: the same steps with the mouse, each one a plain form post and redirect."""

    page: Page
    name = "nojs"
    checked: int = 0

    def arrive(self) -> None:
        self.page.wait_for_load_state()
        assert_nothing_hidden(self.page)
        self.checked += 1

    def type(self, target: Locator, text: str) -> None:
        target.fill(text)

    def choose(self, radio: Locator) -> None:
        radio.check()

    def check(self, box: Locator) -> None:
        box.check()

    def select(self, select: Locator, label: str) -> None:
        select.select_option(label=label)

    def date(self, group: Locator, day: datetime.date) -> None:
        for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
            group.get_by_label(part, exact=True).fill(str(value))

    def reveal(self, summary: Locator) -> None:
        summary.click()

    def follow(self, link: Locator) -> None:
        with self.page.expect_navigation():
            link.click()
        self.arrive()

    def press(self, button: Locator, *, htmx: bool = False) -> None:
        with self.page.expect_navigation():  # without JavaScript, htmx or not: a form post and a new page
            button.click()
        self.arrive()

    def download(self, link: Locator):
        with self.page.expect_download() as download:
            link.click()
        return download.value
