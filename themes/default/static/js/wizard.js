/* Mitreden – contribution form as a step-by-step wizard.
 *
 * Without scripts the form is one long page; with them its fieldsets
 * (fieldset.step) become steps with "next" and "back", each checked before
 * the next shows, and the last step starts with a review of what will be
 * sent. A step that shows dispatches "mitreden:step" (the drawing map
 * waits for it). All fields stay in the form.
 */
import { t } from 'mitreden/i18n.js';
import { h, button, warn } from 'mitreden/util.js';
import { speak, parseNumber } from 'mitreden/geo.js';

function tokens(el, attr) {
  return (el.getAttribute(attr) || '').split(/\s+/).filter(Boolean);
}

function addToken(el, attr, tok) {
  const list = tokens(el, attr);
  if (list.indexOf(tok) === -1) { list.push(tok); }
  el.setAttribute(attr, list.join(' '));
}

function removeToken(el, attr, tok) {
  const list = tokens(el, attr).filter(function (x) { return x !== tok; });
  if (list.length) { el.setAttribute(attr, list.join(' ')); } else { el.removeAttribute(attr); }
}

function charCount(s) {
  return Array.from(String(s || '').trim()).length;
}

// fieldError returns the message for a field, or "" when it is fine. A
// radio button answers for its group (the category tiles).
function fieldError(field) {
  if (field.disabled || field.type === 'hidden') { return ''; }
  if (field.type === 'radio') {
    const checked = field.form && field.form.querySelector('input[name="' + field.name + '"]:checked');
    return field.required && !checked ? t('validation.required') : '';
  }
  const value = field.value || '';
  if (field.required && value.trim() === '') { return t('validation.required'); }
  const min = parseInt(field.getAttribute('minlength') || '', 10);
  if (min > 0 && value.trim() !== '' && charCount(value) < min) { return t('validation.too_short', [min]); }
  return '';
}

function setError(field, msg) {
  const id = field.id + '-error';
  let p = document.getElementById(id);
  if (!p) {
    p = h('p', 'error');
    p.id = id;
    const box = field.closest('.field') || field.parentNode;
    box.appendChild(p);
  }
  p.textContent = msg;
  field.setAttribute('aria-invalid', 'true');
  addToken(field, 'aria-describedby', id);
  const box2 = field.closest('.field');
  if (box2) { box2.classList.add('has-error'); }
}

function clearError(field) {
  const id = field.id + '-error';
  const p = document.getElementById(id);
  if (p && p.parentNode) { p.parentNode.removeChild(p); }
  field.removeAttribute('aria-invalid');
  removeToken(field, 'aria-describedby', id);
  const box = field.closest('.field');
  if (box) { box.classList.remove('has-error'); }
}

// errorTarget is the element that shows a field's error: a radio group's
// fieldset (with an id), else the field.
function errorTarget(field) {
  if (field.type === 'radio') {
    const group = field.closest('fieldset[id]');
    if (group && !group.classList.contains('step')) { return group; }
  }
  return field;
}

function checkField(field) {
  const msg = fieldError(field);
  if (msg) { setError(errorTarget(field), msg); } else { clearError(errorTarget(field)); }
  return !msg;
}

// validateStep marks the step's invalid fields and returns the first one.
function validateStep(step) {
  let first = null;
  const seen = {};
  const fields = step.querySelectorAll('input[required], textarea[required], select[required], input[minlength], textarea[minlength]');
  Array.prototype.forEach.call(fields, function (f) {
    if (!f.id) { return; }
    if (f.type === 'radio') {
      if (seen[f.name]) { return; }
      seen[f.name] = true;
    }
    if (!checkField(f) && !first) { first = f; }
  });
  // A place outside the planning area is refused here, on the map step,
  // not after the review: the map's warning (draw.js) takes the focus.
  const outside = step.querySelector('#geometry-outside');
  if (!first && outside && !outside.hidden) {
    outside.tabIndex = -1;
    first = outside;
  }
  return first;
}

// initWizard turns form into a wizard and reports whether it did; when that
// fails, every step shows again.
export function initWizard(form) {
  const steps = Array.prototype.slice.call(form.querySelectorAll('fieldset.step'));
  const submits = form.querySelectorAll('button[type="submit"], input[type="submit"]');
  const submit = submits.length ? submits[submits.length - 1] : null;
  const state = { active: false, current: 0 };
  try {
    setup(form, steps, submit, state);
  } catch (e) {
    state.active = false;
    steps.forEach(function (s) { s.hidden = false; });
    if (submit) { submit.hidden = false; }
    warn('Mitreden wizard:', e);
  }
  return state.active;
}

// labelText is a field's visible label without its "(Pflichtfeld)" note.
function labelText(form, id) {
  const l = form.querySelector('label[for="' + id + '"]') || form.querySelector('fieldset#' + id + ' > legend');
  return l && l.firstChild ? l.firstChild.textContent.trim() : id;
}

// NEAR_RADIUS is how far (metres) a known place may lie from a point and
// still name it, as on the server (participation.NearRadius).
const NEAR_RADIUS = 300;

function metres(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
  return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
}

// nearestPlace is the name of the known place (the form's #place-list)
// nearest to lat, lon within NEAR_RADIUS, or "".
function nearestPlace(lat, lon) {
  let best = '', dist = Infinity;
  Array.prototype.forEach.call(document.querySelectorAll('#place-list option[data-lat]'), function (o) {
    const d = metres(lat, lon, parseFloat(o.getAttribute('data-lat')), parseFloat(o.getAttribute('data-lon')));
    if (d < dist) { dist = d; best = o.value; }
  });
  return dist <= NEAR_RADIUS ? best : '';
}

// pointText names a point in words: the nearest known place, else its
// coordinates (as the page's language writes numbers).
function pointText(lat, lon) {
  const near = nearestPlace(lat, lon);
  if (near) { return t('js.review_near', [near]); }
  return t('js.review_point', [speak(lat), speak(lon)]);
}

// locationText describes where the contribution sits, for the review.
function locationText() {
  let g = null;
  try { g = JSON.parse((document.getElementById('geometry') || {}).value || 'null'); } catch { g = null; }
  if (g && g.type === 'Point') { return pointText(g.coordinates[1], g.coordinates[0]); }
  if (g && g.type === 'LineString') { return t('js.review_line', [g.coordinates.length]); }
  if (g && g.type === 'Polygon') { return t('js.review_polygon', [g.coordinates[0].length - 1]); }
  const lat = document.getElementById('lat'), lon = document.getElementById('lon');
  if (lat && lon && lat.value.trim() && lon.value.trim()) {
    const la = parseNumber(lat.value), lo = parseNumber(lon.value);
    if (!isNaN(la) && !isNaN(lo)) { return pointText(la, lo); }
    return t('js.review_point', [lat.value.trim(), lon.value.trim()]);
  }
  const place = document.getElementById('place');
  if (place && place.value.trim()) { return place.value.trim(); }
  return t('js.review_none');
}

// renderReview shows what will be sent, at the top of the last step.
function renderReview(form, step) {
  let box = document.getElementById('review-summary');
  if (!box) {
    box = h('div', 'review-summary');
    box.id = 'review-summary';
    const legend = step.querySelector('legend');
    step.insertBefore(box, legend ? legend.nextSibling : step.firstChild);
  }
  while (box.firstChild) { box.removeChild(box.firstChild); }
  box.appendChild(h('p', null, t('js.review_intro')));
  const dl = h('dl');
  // langs: the lang of a chosen label that is German standing in for the
  // page's language (the tile or option says so), by field.
  const langs = {};
  const selected = function (id) {
    const el = document.getElementById(id);
    let node = null;
    if (el && el.tagName === 'FIELDSET') {
      const r = el.querySelector('input[type="radio"]:checked');
      node = r && r.closest('label') ? r.closest('label').querySelector('.tile-name') : null;
    } else if (el && el.selectedIndex > 0) {
      node = el.options[el.selectedIndex];
    }
    if (node && node.getAttribute('lang')) { langs[id] = node.getAttribute('lang'); }
    return node ? node.textContent.trim() : '';
  };
  const text = (document.getElementById('text') || {}).value || '';
  [
    [labelText(form, 'title'), (document.getElementById('title') || {}).value || ''],
    [labelText(form, 'text'), text.length > 300 ? text.slice(0, 300) + '…' : text],
    [labelText(form, 'category'), selected('category'), langs.category],
    [labelText(form, 'type'), selected('type'), langs.type],
    [t('js.review_location'), locationText()]
  ].forEach(function (row) {
    if (!row[1]) { return; }
    dl.appendChild(h('dt', null, row[0]));
    const dd = h('dd', null, row[1]);
    if (row[2]) { dd.setAttribute('lang', row[2]); }
    dl.appendChild(dd);
  });
  box.appendChild(dl);
}

function setup(form, steps, submit, state) {
  if (steps.length < 2 || !submit) { return; }
  // After a failed submit the server lists every error: show all steps.
  if (document.querySelector('.error-summary')) { return; }
  // The manage page edits an existing contribution: all fields at once.
  if (form.querySelector('button[name="action"][value="save"]')) { return; }

  state.active = true;
  form.classList.add('wizard-active');

  const progress = h('p', 'wizard-progress');
  progress.id = 'wizard-progress';
  progress.tabIndex = -1;
  steps[0].parentNode.insertBefore(progress, steps[0]);

  const nav = h('div', 'wizard-nav');
  const prev = button('wizard-prev', t('contribute.prev'), 'secondary');
  const next = button('wizard-next', t('contribute.next'), 'primary');
  nav.appendChild(prev);
  nav.appendChild(next);
  submit.parentNode.insertBefore(nav, submit);
  // The step's buttons, sending included, stay at the window's foot
  // (css: .wizard-nav), so no step needs scrolling back to go on.
  nav.appendChild(submit);

  function show(i, focus) {
    const current = Math.max(0, Math.min(steps.length - 1, i));
    state.current = current;
    steps.forEach(function (s, j) { s.hidden = j !== current; });
    const legend = steps[current].querySelector('legend');
    progress.textContent = t('js.step', [current + 1, steps.length]);
    if (legend) { steps[current].setAttribute('aria-describedby', progress.id); }
    prev.hidden = current === 0;
    next.hidden = current === steps.length - 1;
    submit.hidden = current !== steps.length - 1;
    form.setAttribute('data-step', String(current + 1));
    if (current === steps.length - 1) { renderReview(form, steps[state.current]); }
    try {
      steps[current].dispatchEvent(new CustomEvent('mitreden:step', { bubbles: true }));
    } catch { /* old browsers: no map refresh */ }
    if (focus) { progress.focus(); }
  }

  function goNext() {
    const bad = validateStep(steps[state.current]);
    if (bad) {
      bad.focus();
      return;
    }
    show(state.current + 1, true);
  }

  next.addEventListener('click', goNext);
  prev.addEventListener('click', function () { show(state.current - 1, true); });

  form.addEventListener('submit', function (e) {
    if (!state.active) { return; }
    if (state.current < steps.length - 1) {
      // Enter in a text field of an earlier step means "next".
      e.preventDefault();
      goNext();
      return;
    }
    for (let i = 0; i < steps.length; i++) {
      const bad = validateStep(steps[i]);
      if (bad) {
        e.preventDefault();
        show(i, false);
        bad.focus();
        return;
      }
    }
  });

  // Fix-as-you-type: an error disappears as soon as the field is valid.
  const revalidate = function (e) {
    const f = e.target;
    if (!f || !f.id) { return; }
    const target = errorTarget(f);
    if (target.getAttribute('aria-invalid') === 'true' && !fieldError(f)) { clearError(target); }
  };
  form.addEventListener('input', revalidate);
  form.addEventListener('change', revalidate);

  show(0, false);
}
