// The GOV.UK timeout warning, as progressive enhancement. The server ends a session after a spell without
// activity whatever happens here (partnership.middleware.SessionTimeoutMiddleware); this only warns first
// and offers to stay signed in. Timing comes from the page (data-* on the <dialog>); before opening, and
// when the countdown runs out, it asks the server (GET, which does not count as activity), since another
// tab may have kept the session going.
const dialog = document.querySelector('[data-module="app-timeout-warning"]');

if (dialog && typeof dialog.showModal === "function") {
  const statusUrl = dialog.dataset.statusUrl;
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  const keepAliveForm = dialog.querySelector("form[data-keep-alive]");
  const countdown = dialog.querySelector("[data-countdown]");
  const spoken = dialog.querySelector("[data-countdown-spoken]");
  const extendText = dialog.querySelector("[data-can-extend-text]");
  const finalText = dialog.querySelector("[data-final-text]");
  let deadline = Date.now() + Number(dialog.dataset.secondsLeft) * 1000;
  let canExtend = dialog.dataset.canExtend === "true";
  let busy = false;
  let lastSpoken = "";
  let returnFocusTo = null;

  const describe = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const render = () => {
    const left = deadline - Date.now();
    const text = describe(left);
    countdown.textContent = text;
    // Screen readers hear the time when it changes by the minute, then every 15 seconds: not every second.
    const seconds = Math.ceil(left / 1000);
    if (text !== lastSpoken && (seconds >= 60 || seconds % 15 === 0)) {
      spoken.textContent = `We will sign you out in ${text}`;
      lastSpoken = text;
    }
    keepAliveForm.hidden = !canExtend;
    extendText.hidden = !canExtend;
    finalText.hidden = canExtend;
  };

  const open = () => {
    if (dialog.open) return;
    returnFocusTo = document.activeElement;
    lastSpoken = "";
    render();
    dialog.showModal();
  };

  const close = () => {
    if (!dialog.open) return;
    dialog.close();
    if (returnFocusTo && typeof returnFocusTo.focus === "function") returnFocusTo.focus();
  };

  // The server's word on the session: {signed_in, seconds_left, can_extend}. Throws when it cannot be reached.
  const ask = async (method) => {
    const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method === "POST") options.body = new FormData(keepAliveForm);
    const response = await fetch(statusUrl, options);
    if (response.redirected || !response.ok) return { signed_in: false, seconds_left: 0, can_extend: false };
    return response.json();
  };

  // A form on the page with something typed or chosen in it that has not been sent.
  const changedForm = () => Array.from(document.querySelectorAll("form")).find((form) =>
    form !== keepAliveForm && (form.method || "").toLowerCase() === "post" &&
    Array.from(form.elements).some((el) => {
      if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
      if (el.tagName === "SELECT") return Array.from(el.options).some((o) => o.selected !== o.defaultSelected);
      return el.type !== "hidden" && el.type !== "file" && "defaultValue" in el && el.value !== el.defaultValue;
    }));

  // Signed out. With something typed, send that form: the server keeps it through signing in again
  // (partnership.kept_forms). Otherwise load this page again; the server sends it to sign in, with the reason.
  const leave = () => {
    const form = changedForm();
    if (form) HTMLFormElement.prototype.submit.call(form);
    else window.location.assign(window.location.href);
  };

  const update = (status) => {
    if (!status.signed_in || status.seconds_left <= 0) {
      leave();
      return;
    }
    deadline = Date.now() + status.seconds_left * 1000;
    canExtend = status.can_extend;
    if (deadline - Date.now() > warningMs) close();
    else open();
    render();
  };

  const tick = async () => {
    if (busy) return;
    const left = deadline - Date.now();
    if (left > warningMs) return;
    if (dialog.open && left > 0) {
      render();
      return;
    }
    busy = true;
    try {
      update(await ask("GET"));
    } catch {
      if (left <= 0) leave();
      else open();
    } finally {
      busy = false;
    }
  };

  const stay = async () => {
    try {
      update(await ask("POST"));
    } catch {
      keepAliveForm.submit(); // the plain form: it keeps the session and comes back to this page
    }
  };

  keepAliveForm.addEventListener("submit", (event) => {
    event.preventDefault();
    stay();
  });
  // Escape means "stay signed in", as in the GOV.UK pattern, rather than a dialog closed with the clock running.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (canExtend) stay();
  });
  // Checking every second, rather than one long timer, keeps the clock right after a laptop sleeps.
  window.setInterval(tick, 1000);
}
