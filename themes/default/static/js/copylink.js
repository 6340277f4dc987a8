/* Mitreden – "copy the link" buttons (the confirmation page's manage link).
 *
 * Markup: an element with data-copy="ID" names the link #ID whose address
 * is copied; the script turns it into a button. Without the script (or
 * without the Clipboard API) there is no button and the link stays plain,
 * selectable text.
 */
import { t } from 'mitreden/i18n.js';
import { button, announce, warn } from 'mitreden/util.js';

Array.prototype.forEach.call(document.querySelectorAll('[data-copy]'), function (slot) {
  const link = document.getElementById(slot.getAttribute('data-copy') || '');
  if (!link || !navigator.clipboard || typeof navigator.clipboard.writeText !== 'function') { return; }
  const b = button(slot.id ? slot.id + '-button' : '', t('js.copy_link'), 'secondary');
  const status = document.createElement('span');
  status.className = 'copy-status';
  status.setAttribute('role', 'status');
  b.addEventListener('click', function () {
    navigator.clipboard.writeText(link.href || link.textContent.trim()).then(function () {
      status.textContent = t('js.copied');
    }, function (e) {
      warn('Mitreden copy:', e);
      status.textContent = t('js.copy_failed');
      announce(t('js.copy_failed'));
    });
  });
  slot.appendChild(b);
  slot.appendChild(status);
  slot.hidden = false;
});
