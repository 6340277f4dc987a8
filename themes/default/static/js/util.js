/* Mitreden – small helpers shared by the scripts.
 *
 * Rules: no inline styles or handlers (strict CSP), resident text only via
 * textContent, every failure leaves the server-rendered page as it was.
 */

// h makes an element with a class and text (set as text, never as markup).
export function h(tag, className, text) {
  const el = document.createElement(tag);
  if (className) { el.className = className; }
  if (text !== undefined && text !== null) { el.textContent = String(text); }
  return el;
}

// labelSpan is a span with a procedure's label; lang is the label's
// language where it differs from the page's ("de" for a German label
// standing in for a missing translation, WCAG 3.1.2), else "".
export function labelSpan(text, lang) {
  const s = h('span', null, text);
  if (lang) { s.setAttribute('lang', lang); }
  return s;
}

// button makes a type="button" button.
export function button(id, label, className) {
  const b = h('button', className || 'secondary', label);
  b.type = 'button';
  if (id) { b.id = id; }
  return b;
}

export function escapeHTML(s) {
  return String(s).replace(/[&<>"']/g, function (c) {
    return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
  });
}

// safeKey keeps what may go into a class name.
export function safeKey(k) {
  return String(k || '').replace(/[^A-Za-z0-9_-]/g, '');
}

export function excerpt(text, n) {
  const chars = Array.from(String(text || '').replace(/\s+/g, ' ').trim());
  if (chars.length <= n) { return chars.join(''); }
  return chars.slice(0, n).join('').replace(/\s+\S*$/, '') + ' …';
}

export function fetchJSON(url, signal) {
  return fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', signal: signal })
    .then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status + ' for ' + url); }
      return r.json();
    });
}

// rate sends value (1, -1, 0) for contribution id; it resolves to the
// answer {rating_up, rating_down, your_vote}.
export function rate(id, value) {
  return fetch('/api/v1/contributions/' + encodeURIComponent(id) + '/ratings', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ value: value })
  }).then(function (r) {
    if (!r.ok) { throw new Error('HTTP ' + r.status); }
    return r.json();
  });
}

// warn reports a failure that the page survives.
export function warn(what, e) {
  if (window.console && console.warn) { console.warn(what, e); }
}

let liveRegion = null;
let liveTimer = null;

// announce speaks msg through one polite live region per page.
export function announce(msg) {
  if (!msg) { return; }
  if (!liveRegion) {
    liveRegion = document.getElementById('mitreden-live');
    if (!liveRegion) {
      liveRegion = h('p', 'sr-only');
      liveRegion.id = 'mitreden-live';
      liveRegion.setAttribute('aria-live', 'polite');
      (document.getElementById('main') || document.body).appendChild(liveRegion);
    }
  }
  liveRegion.textContent = '';
  if (liveTimer) { clearTimeout(liveTimer); }
  liveTimer = setTimeout(function () { liveRegion.textContent = msg; }, 60);
}
