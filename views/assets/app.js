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
