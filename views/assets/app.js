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
