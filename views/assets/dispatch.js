// Recipients picker: ticking "Tất cả …" ticks the units it stands for (the server expands it
// anyway, so the form works without this); unticking one of them unticks the shortcut.
document.addEventListener('change', (e) => {
  const box = e.target;
  if (!(box instanceof HTMLInputElement) || box.type !== 'checkbox') return;
  const form = box.form;
  if (!form) return;
  const members = (group) =>
    Array.from(form.querySelectorAll('input[name="recipients"]')).filter((el) =>
      (el.dataset.groups || '').split(' ').includes(group),
    );
  if (box.name === 'groups') {
    for (const el of members(box.value)) el.checked = box.checked;
  } else if (box.name === 'recipients' && !box.checked) {
    const groups = (box.dataset.groups || '').split(' ');
    for (const g of form.querySelectorAll('input[name="groups"]')) if (groups.includes(g.value)) g.checked = false;
  }
});
