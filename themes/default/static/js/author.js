/* Mitreden – live preview of Markdown in the back office's editors.
 *
 * Each textarea[data-preview] names the element that shows its rendering.
 * The server renders it (POST /admin/preview, with the form's CSRF token)
 * through the same sanitising renderer as the public pages, so the preview
 * is what residents will see. Without this script the preview shows the
 * saved text; the form works the same either way.
 */
import { warn } from 'mitreden/util.js';

function attach(area) {
  const out = document.getElementById(area.getAttribute('data-preview'));
  const form = area.form;
  const token = form && form.querySelector('input[name="_csrf"]');
  if (!out || !token) { return; }
  out.setAttribute('aria-live', 'polite');
  let timer = 0;
  let seq = 0;
  area.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      const mine = ++seq;
      const body = new URLSearchParams();
      body.set('_csrf', token.value);
      body.set('md', area.value);
      fetch('/admin/preview', { method: 'POST', body: body, credentials: 'same-origin' }).then(function (r) {
        if (!r.ok) { throw new Error('preview ' + r.status); }
        return r.text();
      }).then(function (html) {
        if (mine !== seq) { return; }
        // The server's sanitised rendering, parsed inert and moved in.
        const doc = new DOMParser().parseFromString('<body>' + html + '</body>', 'text/html');
        out.replaceChildren.apply(out, Array.from(doc.body.childNodes));
      }).catch(function (e) { warn('Mitreden preview:', e); });
    }, 300);
  });
}

document.querySelectorAll('textarea[data-preview]').forEach(attach);
