/* Mitreden – similar contributions while a resident writes.
 *
 * On the wizard's text step (and again on its last step, once a place is
 * chosen) the form asks the server, a moment after the typing stops, for
 * published contributions that say much the same nearby
 * (GET /api/v1/procedures/{slug}/similar) and lists them: title (a link
 * that opens it in a new tab, so the text typed stays), excerpt, distance
 * and a button that supports it, the rating its page offers. A polite
 * live region says how many were found. Without scripts the confirmation
 * page lists them (submitted.html).
 */
import { t, tn } from 'mitreden/i18n.js';
import { h, button, fetchJSON, rate, warn } from 'mitreden/util.js';

// MAX_CHARS is the most the server compares (analysis.SimilarTextMax).
const MAX_CHARS = 1500;
// MIN_CHARS: shorter texts are not asked about.
const MIN_CHARS = 15;
const DELAY = 500;

function value(form, id) {
  const el = form.querySelector('#' + id);
  return el ? String(el.value || '').trim() : '';
}

// pointOf is the centre of the place chosen (the drawn geometry's
// bounds, or the typed coordinates), or null.
function pointOf(form) {
  let g = null;
  try { g = JSON.parse(value(form, 'geometry') || 'null'); } catch { g = null; }
  const pts = [];
  const walk = function (c) {
    if (typeof c[0] === 'number') { pts.push(c); } else { c.forEach(walk); }
  };
  if (g && g.coordinates) { walk(g.coordinates); }
  if (pts.length) {
    const xs = pts.map(function (p) { return p[0]; }), ys = pts.map(function (p) { return p[1]; });
    return { lon: (Math.min.apply(null, xs) + Math.max.apply(null, xs)) / 2, lat: (Math.min.apply(null, ys) + Math.max.apply(null, ys)) / 2 };
  }
  const lat = parseFloat(value(form, 'lat').replace(',', '.')), lon = parseFloat(value(form, 'lon').replace(',', '.'));
  return isNaN(lat) || isNaN(lon) ? null : { lat: lat, lon: lon };
}

function item(c, n) {
  const li = h('li', 'similar-item');
  const heading = h('h3');
  const a = h('a', null, c.title);
  a.href = c.url;
  a.target = '_blank';
  a.rel = 'noopener';
  a.id = 'similar-' + n;
  heading.appendChild(a);
  li.appendChild(heading);
  if (c.excerpt) { li.appendChild(h('p', 'similar-excerpt', c.excerpt)); }
  if (c.distance_m !== null && c.distance_m !== undefined) {
    li.appendChild(h('p', 'hint', t('similar.distance', [Math.round(c.distance_m)])));
  }
  const support = button(null, t('similar.support'), 'secondary similar-support');
  support.setAttribute('aria-describedby', a.id);
  support.setAttribute('data-id', c.id);
  const note = h('p', 'similar-note');
  note.setAttribute('role', 'status');
  support.addEventListener('click', function () {
    support.disabled = true;
    rate(c.id, 1).then(function () {
      support.textContent = t('similar.supported');
      support.setAttribute('aria-pressed', 'true');
      note.textContent = t('similar.supported');
    }).catch(function (e) {
      support.disabled = false;
      note.textContent = t('similar.support_failed');
      warn('Mitreden similar:', e);
    });
  });
  li.appendChild(support);
  li.appendChild(note);
  return li;
}

// initSimilar lists the contributions like the one form's resident writes.
export function initSimilar(form) {
  const slug = form.getAttribute('data-slug');
  const text = form.querySelector('#text');
  if (!slug || !text) { return; }
  const box = h('div', 'similar');
  box.id = 'similar';
  const status = h('p', 'sr-only');
  status.id = 'similar-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  const section = h('section', 'similar-box');
  section.hidden = true;
  section.setAttribute('aria-labelledby', 'similar-title');
  const heading = h('h2', null, t('similar.title'));
  heading.id = 'similar-title';
  const list = h('ul', 'similar-list');
  section.appendChild(heading);
  section.appendChild(h('p', 'hint', t('similar.lead')));
  section.appendChild(list);
  box.appendChild(status);
  box.appendChild(section);
  const textField = text.closest('.field') || text;
  textField.parentNode.insertBefore(box, textField.nextSibling);

  let timer = null, last = '', ctl = null;

  function show(found, near) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    heading.textContent = near ? t('similar.title_near') : t('similar.title');
    found.forEach(function (c, i) { list.appendChild(item(c, i)); });
    section.hidden = found.length === 0;
    status.textContent = found.length ? tn('similar.found', found.length) : '';
  }

  function ask() {
    const typed = Array.from((value(form, 'title') + '\n' + value(form, 'text')).trim()).slice(0, MAX_CHARS).join('');
    if (Array.from(typed).length < MIN_CHARS) { return; }
    const pt = pointOf(form);
    let q = 'text=' + encodeURIComponent(typed);
    if (pt) { q += '&lat=' + pt.lat.toFixed(6) + '&lon=' + pt.lon.toFixed(6); }
    if (q === last) { return; }
    last = q;
    if (ctl) { ctl.abort(); }
    ctl = typeof AbortController === 'function' ? new AbortController() : null;
    fetchJSON('/api/v1/procedures/' + encodeURIComponent(slug) + '/similar?' + q, ctl ? ctl.signal : undefined)
      .then(function (ans) { show(ans.similar || [], !!pt); })
      .catch(function (e) { if (!e || e.name !== 'AbortError') { warn('Mitreden similar:', e); } });
  }

  function later() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(ask, DELAY);
  }

  form.addEventListener('input', function (e) {
    if (e.target && (e.target.id === 'title' || e.target.id === 'text')) { later(); }
  });
  // On the last step the list moves under the review, asked again with
  // the place chosen meanwhile.
  form.addEventListener('mitreden:step', function (e) {
    const step = e.target;
    if (!step || !step.id) { return; }
    if (step.id === 'step-review') {
      step.appendChild(box);
      ask();
    } else if (step.id === 'step-text' && box.parentNode !== textField.parentNode) {
      textField.parentNode.insertBefore(box, textField.nextSibling);
    }
  });
  if (value(form, 'text')) { later(); }
}
