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
// record). Chromium may fetch a form page again on Back, with a fresh `formToken` from the server,
// and put back what was typed; submitting that would make a second record. So the first token each
// form had on a history entry is kept in sessionStorage, under the entry's Navigation API id (kept
// by Back, Forward and reload; a new visit, even to the same address, gets a new id), the path and
// the form's action; when the entry is shown again its forms send that first token, and the server
// sends the repeat to what the first submission made. History itself is never touched: replaceState
// on a page loaded by POST makes Chromium drop its form data (the catalogue import preview).
// Without the Navigation API or sessionStorage the page's own token stands.
(() => {
  const fields = document.querySelectorAll('input[type=hidden][name=formToken]');
  if (!fields.length) return;
  try {
    const nav = window.navigation;
    const entry = nav && nav.currentEntry;
    if (!entry || !entry.id || !window.sessionStorage) return;
    const STORE = 'motcua.formTokens';
    const MAX_ENTRIES = 50; // Chromium keeps at most 50 history entries per tab
    let saved = JSON.parse(sessionStorage.getItem(STORE) || '{}');
    if (!saved || typeof saved !== 'object' || Array.isArray(saved)) saved = {};
    const kept = saved[entry.id];
    const mine = kept && typeof kept === 'object' ? kept : {};
    delete saved[entry.id]; // this entry becomes the newest
    saved[entry.id] = mine;
    const seen = {};
    fields.forEach((field) => {
      const action = field.form ? field.form.getAttribute('action') || '' : '';
      const base = `${location.pathname} ${action}`;
      seen[base] = (seen[base] || 0) + 1;
      const key = `${base} ${seen[base]}`; // several forms with one action: each its own
      if (typeof mine[key] === 'string' && mine[key]) field.value = mine[key];
      else if (field.value) mine[key] = field.value;
    });
    // Bounded: past the limit, forget entries no longer in this tab's history, then the oldest.
    // (entries() lists only this origin's contiguous run, so live entries beyond another site's
    // pages are kept while there is room.)
    let ids = Object.keys(saved);
    if (ids.length > MAX_ENTRIES) {
      const live = new Set(nav.entries().map((e) => e.id));
      ids.forEach((id) => {
        if (!live.has(id)) delete saved[id];
      });
      ids = Object.keys(saved);
      ids.slice(0, Math.max(0, ids.length - MAX_ENTRIES)).forEach((id) => delete saved[id]);
    }
    sessionStorage.setItem(STORE, JSON.stringify(saved));
  } catch {
    // storage full or blocked, or no Navigation API: the page's own token stands
  }
})();
