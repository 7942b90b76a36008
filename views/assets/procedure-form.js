// The procedure form (issue 16). Without this script every button posts the form and the server
// answers with the page again; with it, rows are added, removed and moved here, and the form is
// checked as it is typed in: posted to the JSON check route, whose messages are put at their fields
// and whose diagram replaces the one beside the form.
(() => {
  const form = document.getElementById('pf');
  if (!form || !window.fetch) return;
  const side = document.querySelector('.pf-side');
  const live = side.querySelector('[data-live]');
  const figure = side.querySelector('[data-diagram]');
  const DOTTED = /^(steps|documents)\.(\d+|__i__)(?=\.|$)/;
  const DASHED = /^(f-steps|f-documents)-(\d+|__i__)(?=-)/;
  const OP_VALUE = /^(\w+-(?:step|document)):(\d+|__i__)$/;

  /** Give every row of a list its index again: names, ids, labels, fields, buttons, numbers. */
  function renumber(list) {
    const rows = Array.from(list.children);
    rows.forEach((row, i) => {
      for (const el of [row, ...row.querySelectorAll('*')]) {
        for (const attr of ['name', 'data-field']) {
          const v = el.getAttribute(attr);
          if (v && DOTTED.test(v)) el.setAttribute(attr, v.replace(DOTTED, `$1.${i}`));
        }
        for (const attr of ['id', 'for']) {
          const v = el.getAttribute(attr);
          if (v && DASHED.test(v)) el.setAttribute(attr, v.replace(DASHED, `$1-${i}`));
        }
        const label = el.getAttribute('aria-label');
        if (label && /(\d+|\s)$/.test(label)) el.setAttribute('aria-label', label.replace(/\s*\d*$/, ` ${i + 1}`));
        if (el.tagName === 'BUTTON' && OP_VALUE.test(el.value)) el.value = el.value.replace(OP_VALUE, `$1:${i}`);
        if (el.hasAttribute('data-n')) el.textContent = String(i + 1);
      }
      const up = row.querySelector('[data-op="up"]');
      const down = row.querySelector('[data-op="down"]');
      if (up) up.disabled = i === 0;
      if (down) down.disabled = i === rows.length - 1;
    });
  }

  function addRow(kind) {
    const list = form.querySelector(`[data-rows="${kind}"].pf-rows`);
    const tpl = document.getElementById(`pf-template-${kind}`);
    const row = tpl.content.firstElementChild.cloneNode(true);
    list.appendChild(row);
    renumber(list);
    const first = row.querySelector('input[type="text"]');
    if (first) first.focus();
  }

  form.addEventListener('click', (e) => {
    const button = e.target instanceof Element ? e.target.closest('button[data-op]') : null;
    if (!button || !form.contains(button)) return;
    e.preventDefault();
    const op = button.dataset.op;
    if (op === 'add') addRow(button.dataset.rows);
    else {
      const row = button.closest('[data-row]');
      const list = row.parentElement;
      if (op === 'remove') row.remove();
      else if (op === 'up' && row.previousElementSibling) list.insertBefore(row, row.previousElementSibling);
      else if (op === 'down' && row.nextElementSibling) list.insertBefore(row.nextElementSibling, row);
      renumber(list);
      if (op !== 'remove') button.focus();
    }
    schedule();
  });

  /** Messages at their fields; those with no field of their own are listed beside the diagram. */
  function showErrors(errors) {
    for (const el of document.querySelectorAll('[data-summary]')) el.remove();
    for (const el of form.querySelectorAll('.field-error')) el.remove();
    for (const el of form.querySelectorAll('.has-error')) el.classList.remove('has-error');
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    const loose = [];
    for (const e of errors) {
      const box = e.field ? form.querySelector(`[data-field="${CSS.escape(e.field)}"]`) : null;
      if (!box) {
        loose.push(e.message);
        continue;
      }
      const p = document.createElement('p');
      p.className = 'field-error';
      p.textContent = e.message;
      box.appendChild(p);
      if (box.classList.contains('field')) box.classList.add('has-error');
      const input = box.querySelector('input, select, textarea');
      if (input && box.classList.contains('field')) input.setAttribute('aria-invalid', 'true');
      const details = box.closest('details');
      if (details) details.open = true;
    }
    live.textContent = '';
    const head = document.createElement('p');
    head.className = errors.length ? 'field-error' : 'ok';
    head.textContent = errors.length ? `Còn ${errors.length} lỗi cần sửa.` : 'Biểu mẫu hợp lệ.';
    live.appendChild(head);
    if (loose.length) {
      const ul = document.createElement('ul');
      for (const m of loose) {
        const li = document.createElement('li');
        li.textContent = m;
        ul.appendChild(li);
      }
      live.appendChild(ul);
    }
  }

  function show(answer) {
    showErrors(answer.errors || []);
    for (const el of document.querySelectorAll('[data-budget]')) {
      el.textContent = answer.budget.text;
      el.classList.toggle('over', answer.budget.over);
    }
    const codes = answer.codes || [];
    form.querySelectorAll('[data-rows="steps"].pf-rows > [data-row]').forEach((row, i) => {
      const input = row.querySelector('input[name$=".code"]');
      if (input) input.placeholder = codes[i] || '';
    });
    if (answer.diagram) {
      figure.innerHTML = answer.diagram; // the server's own SVG, its text escaped there
      figure.classList.remove('stale');
    } else figure.classList.add('stale');
  }

  let timer = null;
  let seq = 0;
  async function check() {
    const mine = ++seq;
    const body = new URLSearchParams(new FormData(form));
    body.delete('formToken');
    try {
      const res = await fetch(form.dataset.check, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body,
        credentials: 'same-origin',
      });
      if (!res.ok || mine !== seq) return;
      show(await res.json());
    } catch {
      // Offline or signed out: the buttons still post the form.
    }
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  }
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
})();
