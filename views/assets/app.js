// Small progressive enhancements; every page works without JavaScript.
document.addEventListener('submit', (e) => {
  const form = e.target;
  const msg = form.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) e.preventDefault();
});
document.addEventListener('click', (e) => {
  const t = e.target;
  if (t instanceof HTMLElement && t.matches('[data-print]')) window.print();
});

// File fields speak Vietnamese: the browser's own control says "Choose Files / No file chosen" in the
// browser's language. With JavaScript, a button "Chọn tệp…" and the chosen names stand in for it; the
// real input stays in the form (visually hidden, still focusable through its label). Without
// JavaScript the native control is shown.
document.querySelectorAll('input[type=file]').forEach((input) => {
  if (!(input instanceof HTMLInputElement) || !input.id) return;
  const pick = document.createElement('label');
  pick.htmlFor = input.id;
  pick.className = 'file-pick';
  pick.textContent = input.multiple ? 'Chọn tệp…' : 'Chọn một tệp…';
  const names = document.createElement('span');
  names.className = 'file-names';
  names.setAttribute('aria-live', 'polite');
  const show = () => {
    const files = Array.from(input.files || []);
    names.textContent = files.length ? files.map((f) => f.name).join(', ') : 'Chưa chọn tệp nào';
  };
  input.classList.add('file-native');
  input.after(pick, names);
  input.addEventListener('change', show);
  input.addEventListener('focus', () => pick.classList.add('focus'));
  input.addEventListener('blur', () => pick.classList.remove('focus'));
  show();
});

// One-time form tokens survive Back (contract.md §2: Back and submit again never makes a second
// dossier). Back may fetch the form page again, with a fresh token, while the browser puts back what
// was typed; so the history entry keeps the token its page first had, and the page shown again on
// that entry sends that one: the server then sends the repeat to what the first submission made. A
// new visit to the form (a link, the menu) is a new history entry, with a new token.
(() => {
  const fields = document.querySelectorAll('input[type=hidden][name=formToken]');
  if (!fields.length) return;
  const state = history.state && typeof history.state === 'object' ? history.state : {};
  if (typeof state.formToken === 'string' && state.formToken) {
    fields.forEach((f) => (f.value = state.formToken));
    return;
  }
  try {
    history.replaceState({ ...state, formToken: fields[0].value }, '');
  } catch {
    // no history API: the page's own token stands
  }
})();
