// Checks the files of an upload form before anything is sent (forms with data-max-bytes): a file
// over the limit, too many files or a type the server refuses is named beside the file field and
// the form is not sent, so nothing typed is lost. The server checks the same again.
(function () {
  const MB = 1024 * 1024;
  const size = (n) => (n / MB).toLocaleString('vi-VN', { maximumFractionDigits: 1 }) + ' MB';

  function problems(form, input) {
    const maxBytes = Number(form.getAttribute('data-max-bytes'));
    const maxFiles = Number(form.getAttribute('data-max-files'));
    const accept = (input.getAttribute('accept') || '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s.startsWith('.'));
    const files = Array.from(input.files || []);
    const out = [];
    if (maxFiles && files.length > maxFiles)
      out.push('Đã chọn ' + files.length + ' tệp; tối đa ' + maxFiles + ' tệp mỗi lần.');
    for (const f of files) {
      const dot = f.name.lastIndexOf('.');
      const ext = dot >= 0 ? f.name.slice(dot).toLowerCase() : '';
      if (maxBytes && f.size > maxBytes)
        out.push('Tệp "' + f.name + '" nặng ' + size(f.size) + ', vượt quá ' + size(maxBytes) + '.');
      else if (accept.length && !accept.includes(ext))
        out.push('Tệp "' + f.name + '" không đúng loại cho phép (PDF, ảnh JPG/PNG, Word, Excel, ODT).');
      else if (f.size === 0) out.push('Tệp "' + f.name + '" rỗng.');
    }
    return out;
  }

  function show(form, input, list) {
    const box = form.querySelector('[data-file-error]');
    const field = input.closest('.field');
    if (box) {
      box.textContent = list.join(' ');
      box.hidden = list.length === 0;
    }
    if (field) field.classList.toggle('has-error', list.length > 0);
    if (list.length) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  function check(form) {
    const input = form.querySelector('input[type=file][name=files]');
    if (!input) return true;
    const list = problems(form, input);
    show(form, input, list);
    return list.length === 0;
  }

  document.addEventListener('change', (e) => {
    const input = e.target;
    if (!(input instanceof HTMLInputElement) || input.type !== 'file') return;
    const form = input.form;
    if (form && form.hasAttribute('data-max-bytes')) check(form);
  });
  document.addEventListener(
    'submit',
    (e) => {
      const form = e.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-max-bytes')) return;
      if (!check(form)) {
        e.preventDefault();
        e.stopImmediatePropagation();
        const input = form.querySelector('input[type=file][name=files]');
        if (input) input.focus();
      }
    },
    true,
  );
})();
