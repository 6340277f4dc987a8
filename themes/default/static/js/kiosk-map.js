/* Mitreden – the workshop table as a map (#kiosk). The plan fills the
 * screen with the contributions on it; "Write a contribution" leads
 * through large steps in a panel: a topic from icon tiles, the place
 * tapped (or a line or area drawn with a finger), the text typed on the
 * on-screen keyboard, then the server-rendered form is sent as it is
 * without scripts (table.go). Nothing leads out of the kiosk: no links to
 * other pages, no context menu, no selection outside fields. The idle
 * reset is kiosk.js's.
 */
import { t } from 'mitreden/i18n.js';
import { announce, fetchJSON, rate, warn } from 'mitreden/util.js';
import { PRIMARY, boundsOf, createMap } from 'mitreden/maps.js';
import { round7 } from 'mitreden/geo.js';
import { initKioskDraw } from 'mitreden/kiosk-draw.js';
import { initKeyboard } from 'mitreden/kiosk-keyboard.js';
import { initContributions, detailMeta } from 'mitreden/kiosk-layer.js';
import { initPlan } from 'mitreden/kiosk-plan.js';

function byId(id) { return document.getElementById(id); }

function start() {
  const app = byId('kiosk');
  const mapEl = byId('kiosk-map');
  if (!app || !mapEl || typeof window.L === 'undefined') { return; }
  const slug = app.getAttribute('data-slug') || '';
  const form = byId('contribute-form');
  const panel = byId('kiosk-panel');
  const heading = byId('kiosk-panel-title');
  const steps = Array.from(app.querySelectorAll('.kiosk-step'));
  // The form's category: its tiles are radio buttons (name="category").
  const select = {
    get value() {
      const r = form && form.querySelector('input[name="category"]:checked');
      return r ? r.value : '';
    },
    set value(key) {
      Array.prototype.forEach.call(form ? form.querySelectorAll('input[name="category"]') : [], function (r) { r.checked = r.value === key; });
    },
  };
  const geomInput = byId('geometry');

  document.body.classList.add('kiosk-map');
  app.hidden = false;
  let map;
  try {
    map = createMap(mapEl, t('js.kiosk_map'), { zoomSnap: 0.5, doubleClickZoom: false });
    map.attributionControl.setPrefix(false);
    map.setView([51.16, 10.45], 6);
  } catch (e) {
    app.hidden = true;
    document.body.classList.remove('kiosk-map');
    warn('Mitreden kiosk:', e);
    return;
  }

  // Nothing leads out: no context menu, no dragging of images or text.
  document.addEventListener('contextmenu', function (e) { e.preventDefault(); });
  document.addEventListener('dragstart', function (e) { e.preventDefault(); });

  const lang = (document.documentElement.getAttribute('lang') || 'de').slice(0, 2).toLowerCase();
  const keyboard = initKeyboard(byId('kiosk-keyboard'), app, lang);
  const allowed = (app.getAttribute('data-geometry-types') || '').split(/\s+/).filter(Boolean);
  const draw = form && geomInput && allowed.length ? initKioskDraw(map, allowed, geomInput, placeChanged) : null;
  const labels = {};
  const labelLangs = {}; // "de" for a German label standing in
  const colours = {};
  let opener = null;

  function showStep(name, title) {
    steps.forEach(function (s) { s.hidden = s.id !== 'kiosk-step-' + name; });
    heading.textContent = title;
    panel.hidden = false;
    app.classList.toggle('kiosk-placing', name === 'place');
    if (draw) {
      if (name === 'place') { draw.start(); } else { draw.stop(); }
    }
    if (name !== 'write') { keyboard.hide(); }
    panel.scrollTop = 0;
    if (name === 'write') {
      const first = byId('title');
      if (first) {
        first.focus();
        return;
      }
    }
    heading.focus({ preventScroll: true });
  }

  function closePanel() {
    panel.hidden = true;
    app.classList.remove('kiosk-placing');
    if (draw) { draw.stop(); }
    keyboard.hide();
    if (opener && document.body.contains(opener)) { opener.focus({ preventScroll: true }); }
  }
  byId('kiosk-close').addEventListener('click', closePanel);

  /* --- contributing --- */

  const tiles = Array.from(app.querySelectorAll('.kiosk-tile'));
  function markTiles() {
    tiles.forEach(function (b) { b.setAttribute('aria-pressed', select && b.getAttribute('data-category') === select.value ? 'true' : 'false'); });
  }
  const modeBox = app.querySelector('.kiosk-modes');
  const modeButtons = {};
  const modeLabel = { Point: t('map.mode_point'), LineString: t('map.mode_line'), Polygon: t('map.mode_polygon') };
  function placeChanged() {
    byId('kiosk-place-status').textContent = draw ? draw.status() : '';
    byId('kiosk-outside').hidden = !(draw && draw.outside());
    Object.keys(modeButtons).forEach(function (m) { modeButtons[m].setAttribute('aria-pressed', draw && draw.mode === m ? 'true' : 'false'); });
  }
  if (draw && draw.modes.length > 1) {
    draw.modes.forEach(function (m) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'secondary';
      b.textContent = modeLabel[m];
      b.setAttribute('data-mode', m);
      b.addEventListener('click', function () {
        draw.setMode(m);
        placeChanged();
      });
      modeButtons[m] = b;
      modeBox.appendChild(b);
    });
  }
  if (modeBox && !modeBox.children.length) { modeBox.hidden = true; }

  const contribute = byId('kiosk-contribute');
  if (contribute && form) {
    contribute.addEventListener('click', function () {
      opener = contribute;
      markTiles();
      showStep('category', t('js.kiosk_step_category'));
    });
    tiles.forEach(function (b) {
      b.addEventListener('click', function () {
        if (select) { select.value = b.getAttribute('data-category'); }
        markTiles();
        announce(t('js.kiosk_category_chosen', [b.textContent.trim()]));
        showStep('place', t('js.kiosk_step_place'));
        placeChanged();
      });
    });
    byId('kiosk-undo').addEventListener('click', function () {
      if (draw) { draw.undo(); }
      placeChanged();
    });
    byId('kiosk-place-back').addEventListener('click', function () { showStep('category', t('js.kiosk_step_category')); });
    byId('kiosk-place-next').addEventListener('click', function () {
      // A place outside the planning area is refused here, not after sending.
      if (draw && draw.outside()) {
        const warning = byId('kiosk-outside');
        warning.hidden = false;
        warning.setAttribute('tabindex', '-1');
        warning.focus();
        return;
      }
      showWrite();
    });
    byId('kiosk-write-back').addEventListener('click', function () {
      showStep('place', t('js.kiosk_step_place'));
      placeChanged();
    });
  }

  // showWrite brings the form (its text and name fields; CSS hides the
  // rest) into the panel; the error summary of a refused try comes along.
  function showWrite() {
    const slot = byId('kiosk-form-slot');
    if (form && form.parentNode !== slot) {
      const summary = byId('error-summary');
      if (summary) { slot.appendChild(summary); }
      slot.appendChild(form);
    }
    showStep('write', t('js.kiosk_step_write'));
  }

  /* --- continue on the phone --- */

  const phone = byId('kiosk-phone');
  if (phone) {
    phone.addEventListener('click', function () {
      opener = phone;
      const q = new URLSearchParams();
      const place = draw ? draw.place() : null;
      if (place) {
        q.set('lat', String(round7(place.lat)));
        q.set('lon', String(round7(place.lng)));
      }
      if (select && select.value) { q.set('category', select.value); }
      const img = byId('kiosk-qr');
      img.src = app.getAttribute('data-qr') + (q.toString() ? '&' + q.toString() : '');
      showStep('phone', t('js.kiosk_step_phone'));
    });
  }

  /* --- other people's contributions --- */

  const votes = {};
  let detail = null;
  const agree = byId('kiosk-agree');
  const disagree = byId('kiosk-disagree');
  function showRating(f) {
    const p = f.properties || {};
    agree.textContent = t('js.kiosk_agree', [p.rating_up || 0]);
    disagree.textContent = t('js.kiosk_disagree', [p.rating_down || 0]);
    agree.setAttribute('aria-pressed', votes[f.id] === 1 ? 'true' : 'false');
    disagree.setAttribute('aria-pressed', votes[f.id] === -1 ? 'true' : 'false');
  }
  function open(f) {
    if (!f) { return; }
    detail = f;
    opener = document.activeElement;
    const p = f.properties || {};
    detailMeta(byId('kiosk-detail-meta'), f, labels, labelLangs);
    byId('kiosk-detail-text').textContent = p.text || '';
    byId('kiosk-rating-status').textContent = '';
    showRating(f);
    showStep('detail', p.title || '');
    fetchJSON('/api/v1/contributions/' + encodeURIComponent(f.id)).then(function (fresh) {
      if (detail && fresh && fresh.id === detail.id) {
        detail = fresh;
        showRating(fresh);
      }
    }).catch(function () { /* the list's copy stays */ });
  }
  function vote(value) {
    if (!detail) { return; }
    const f = detail;
    const v = votes[f.id] === value ? 0 : value;
    rate(f.id, v).then(function (r) {
      votes[f.id] = r.your_vote;
      f.properties = f.properties || {};
      f.properties.rating_up = r.rating_up;
      f.properties.rating_down = r.rating_down;
      if (detail === f) {
        showRating(f);
        byId('kiosk-rating-status').textContent = v ? t('js.kiosk_rated') : t('js.kiosk_unrated');
      }
    }).catch(function () {
      byId('kiosk-rating-status').textContent = t('js.kiosk_rate_failed');
    });
  }
  agree.addEventListener('click', function () { vote(1); });
  disagree.addEventListener('click', function () { vote(-1); });

  const planButton = byId('kiosk-plan');
  planButton.addEventListener('click', function () {
    opener = planButton;
    showStep('plan', t('js.kiosk_step_plan'));
  });

  /* --- the procedure: area, view, plan, contributions --- */

  fetchJSON('/api/v1/procedures/' + encodeURIComponent(slug)).catch(function () { return null; }).then(function (proc) {
    (proc && proc.categories || []).forEach(function (c) {
      labels[c.key] = c.label;
      if (c.label_lang) { labelLangs[c.key] = c.label_lang; }
      colours[c.key] = c.colour;
    });
    const area = proc && proc.area;
    const b = area ? boundsOf(area) : null;
    if (area) {
      L.geoJSON(area, { interactive: false, style: { color: PRIMARY, weight: 4, dashArray: '10 6', fillColor: PRIMARY, fillOpacity: 0.04 } }).addTo(map);
      if (draw) { draw.setArea(area); }
    }
    if (b) {
      map.fitBounds(b, { paddingTopLeft: [40, 160], paddingBottomRight: [40, 40] });
    } else if (proc && proc.map && proc.map.center) {
      map.setView([proc.map.center[1], proc.map.center[0]], proc.map.zoom || 15);
    }
    // The zoom level, readable by the page (and its tests): data-zoom.
    const showZoom = function () { mapEl.setAttribute('data-zoom', String(map.getZoom())); };
    showZoom();
    map.on('zoomend', showZoom);
    if (proc) { initPlan(map, proc); }
    initContributions(map, slug, colours, open);
    mapEl.setAttribute('data-ready', 'true');
  });

  // A refused try comes back with its errors: straight to the text.
  if (form && app.getAttribute('data-errors') === 'true') {
    markTiles();
    showWrite();
  }
}

try {
  start();
} catch (e) {
  warn('Mitreden kiosk:', e);
}
