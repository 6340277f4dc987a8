/* Mitreden – contribution form: step-by-step wizard and drawing map.
 *
 * Works on form#contribute-form. Without this script the form is one long
 * page with coordinate fields and a list of places; with it the four
 * fieldsets become steps and the place step gets a map to draw on. All
 * fields stay in the form, so the server receives the same names either way.
 */
(function () {
  'use strict';

  var form = document.getElementById('contribute-form');
  if (!form) { return; }

  var M = window.Mitreden || {};
  var t = typeof M.i18n === 'function' ? M.i18n : function (k, v) { return v ? k + ' ' + v.join(', ') : k; };
  var tn = typeof M.i18nN === 'function' ? M.i18nN : function (k, n) { return t(k, [n]); };
  var announce = typeof M.announce === 'function' ? M.announce : function () {};

  function h(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined && text !== null) { el.textContent = String(text); }
    return el;
  }

  function button(id, label, className) {
    var b = h('button', className || 'secondary', label);
    b.type = 'button';
    if (id) { b.id = id; }
    return b;
  }

  function tokens(el, attr) {
    return (el.getAttribute(attr) || '').split(/\s+/).filter(Boolean);
  }

  function addToken(el, attr, tok) {
    var list = tokens(el, attr);
    if (list.indexOf(tok) === -1) { list.push(tok); }
    el.setAttribute(attr, list.join(' '));
  }

  function removeToken(el, attr, tok) {
    var list = tokens(el, attr).filter(function (x) { return x !== tok; });
    if (list.length) { el.setAttribute(attr, list.join(' ')); } else { el.removeAttribute(attr); }
  }

  /* ====================== wizard ====================== */

  var steps = Array.prototype.slice.call(form.querySelectorAll('fieldset.step'));
  var submits = form.querySelectorAll('button[type="submit"], input[type="submit"]');
  var submit = submits.length ? submits[submits.length - 1] : null;
  var current = 0;
  var wizard = false;

  function charCount(s) {
    return Array.from(String(s || '').trim()).length;
  }

  // fieldError returns the message for a field, or "" when it is fine.
  function fieldError(field) {
    if (field.disabled || field.type === 'hidden') { return ''; }
    var value = field.value || '';
    if (field.required && value.trim() === '') { return t('validation.required'); }
    var min = parseInt(field.getAttribute('minlength') || '', 10);
    if (min > 0 && value.trim() !== '' && charCount(value) < min) { return t('validation.too_short', [min]); }
    return '';
  }

  function setError(field, msg) {
    var id = field.id + '-error';
    var p = document.getElementById(id);
    if (!p) {
      p = h('p', 'error');
      p.id = id;
      var box = field.closest('.field') || field.parentNode;
      box.appendChild(p);
    }
    p.textContent = msg;
    field.setAttribute('aria-invalid', 'true');
    addToken(field, 'aria-describedby', id);
    var box2 = field.closest('.field');
    if (box2) { box2.classList.add('has-error'); }
  }

  function clearError(field) {
    var id = field.id + '-error';
    var p = document.getElementById(id);
    if (p && p.parentNode) { p.parentNode.removeChild(p); }
    field.removeAttribute('aria-invalid');
    removeToken(field, 'aria-describedby', id);
    var box = field.closest('.field');
    if (box) { box.classList.remove('has-error'); }
  }

  function checkField(field) {
    var msg = fieldError(field);
    if (msg) { setError(field, msg); } else { clearError(field); }
    return !msg;
  }

  // validateStep marks the step's invalid fields and returns the first one.
  function validateStep(step) {
    var first = null;
    var fields = step.querySelectorAll('input[required], textarea[required], select[required], input[minlength], textarea[minlength]');
    Array.prototype.forEach.call(fields, function (f) {
      if (!f.id) { return; }
      if (!checkField(f) && !first) { first = f; }
    });
    return first;
  }

  // labelText is a field's visible label without its "(Pflichtfeld)" note.
  function labelText(id) {
    var l = form.querySelector('label[for="' + id + '"]');
    return l && l.firstChild ? l.firstChild.textContent.trim() : id;
  }

  // locationText describes where the contribution sits, for the review.
  function locationText() {
    var g = null;
    try { g = JSON.parse((document.getElementById('geometry') || {}).value || 'null'); } catch (e) { g = null; }
    if (g && g.type === 'Point') { return t('js.review_point', [speak(g.coordinates[1]), speak(g.coordinates[0])]); }
    if (g && g.type === 'LineString') { return t('js.review_line', [g.coordinates.length]); }
    if (g && g.type === 'Polygon') { return t('js.review_polygon', [g.coordinates[0].length - 1]); }
    var lat = document.getElementById('lat'), lon = document.getElementById('lon');
    if (lat && lon && lat.value.trim() && lon.value.trim()) { return t('js.review_point', [lat.value.trim(), lon.value.trim()]); }
    var place = document.getElementById('place');
    if (place && place.value.trim()) { return place.value.trim(); }
    return t('js.review_none');
  }

  // renderReview shows what will be sent, at the top of the last step.
  function renderReview(step) {
    var box = document.getElementById('review-summary');
    if (!box) {
      box = h('div', 'review-summary');
      box.id = 'review-summary';
      var legend = step.querySelector('legend');
      step.insertBefore(box, legend ? legend.nextSibling : step.firstChild);
    }
    while (box.firstChild) { box.removeChild(box.firstChild); }
    box.appendChild(h('p', null, t('js.review_intro')));
    var dl = h('dl');
    var selected = function (id) {
      var el = document.getElementById(id);
      return el && el.selectedIndex > 0 ? el.options[el.selectedIndex].text : '';
    };
    var text = (document.getElementById('text') || {}).value || '';
    [
      [labelText('title'), (document.getElementById('title') || {}).value || ''],
      [labelText('text'), text.length > 300 ? text.slice(0, 300) + '…' : text],
      [labelText('category'), selected('category')],
      [labelText('type'), selected('type')],
      [t('js.review_location'), locationText()]
    ].forEach(function (row) {
      if (!row[1]) { return; }
      dl.appendChild(h('dt', null, row[0]));
      dl.appendChild(h('dd', null, row[1]));
    });
    box.appendChild(dl);
  }

  function initWizard() {
    if (steps.length < 2 || !submit) { return; }
    // After a failed submit the server lists every error: show all steps.
    if (document.querySelector('.error-summary')) { return; }
    // The manage page edits an existing contribution: all fields at once.
    if (form.querySelector('button[name="action"][value="save"]')) { return; }

    wizard = true;
    form.classList.add('wizard-active');

    var progress = h('p', 'wizard-progress');
    progress.id = 'wizard-progress';
    progress.tabIndex = -1;
    steps[0].parentNode.insertBefore(progress, steps[0]);

    var nav = h('div', 'wizard-nav');
    var prev = button('wizard-prev', t('contribute.prev'), 'secondary');
    var next = button('wizard-next', t('contribute.next'), 'primary');
    nav.appendChild(prev);
    nav.appendChild(next);
    submit.parentNode.insertBefore(nav, submit);

    function show(i, focus) {
      current = Math.max(0, Math.min(steps.length - 1, i));
      steps.forEach(function (s, j) { s.hidden = j !== current; });
      var legend = steps[current].querySelector('legend');
      progress.textContent = t('js.step', [current + 1, steps.length]);
      if (legend) { steps[current].setAttribute('aria-describedby', progress.id); }
      prev.hidden = current === 0;
      next.hidden = current === steps.length - 1;
      submit.hidden = current !== steps.length - 1;
      form.setAttribute('data-step', String(current + 1));
      if (current === steps.length - 1) { renderReview(steps[current]); }
      try {
        steps[current].dispatchEvent(new CustomEvent('mitreden:step', { bubbles: true }));
      } catch (e) { /* old browsers: no map refresh */ }
      if (focus) { progress.focus(); }
    }

    function goNext() {
      var bad = validateStep(steps[current]);
      if (bad) {
        bad.focus();
        return;
      }
      show(current + 1, true);
    }

    next.addEventListener('click', goNext);
    prev.addEventListener('click', function () { show(current - 1, true); });

    form.addEventListener('submit', function (e) {
      if (!wizard) { return; }
      if (current < steps.length - 1) {
        // Enter in a text field of an earlier step means "next".
        e.preventDefault();
        goNext();
        return;
      }
      for (var i = 0; i < steps.length; i++) {
        var bad = validateStep(steps[i]);
        if (bad) {
          e.preventDefault();
          show(i, false);
          bad.focus();
          return;
        }
      }
    });

    // Fix-as-you-type: an error disappears as soon as the field is valid.
    var revalidate = function (e) {
      var f = e.target;
      if (f && f.id && f.getAttribute('aria-invalid') === 'true' && !fieldError(f)) { clearError(f); }
    };
    form.addEventListener('input', revalidate);
    form.addEventListener('change', revalidate);

    show(0, false);
  }

  /* ====================== drawing map ====================== */

  var MODES = ['Point', 'LineString', 'Polygon'];

  function round7(x) {
    return Math.round(x * 1e7) / 1e7;
  }

  function speak(x) {
    return (Math.round(x * 1e5) / 1e5).toFixed(5);
  }

  function parseNumber(s) {
    s = String(s || '').trim().replace(',', '.');
    if (!/^[-+]?\d+(\.\d+)?$/.test(s)) { return NaN; }
    return parseFloat(s);
  }

  // pointInRing: ray casting on [lon, lat] pairs.
  function pointInRing(x, y, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if (((yi > y) !== (yj > y)) && (x < (xj - xi) * (y - yi) / (yj - yi) + xi)) { inside = !inside; }
    }
    return inside;
  }

  function pointInArea(lon, lat, area) {
    var polys = area.type === 'Polygon' ? [area.coordinates] : (area.type === 'MultiPolygon' ? area.coordinates : []);
    for (var i = 0; i < polys.length; i++) {
      var rings = polys[i];
      if (!rings.length || !pointInRing(lon, lat, rings[0])) { continue; }
      var inHole = false;
      for (var k = 1; k < rings.length; k++) {
        if (pointInRing(lon, lat, rings[k])) { inHole = true; break; }
      }
      if (!inHole) { return true; }
    }
    return false;
  }

  function normalisePlace(s) {
    return String(s || '').replace(/\s+/g, ' ').trim().toLowerCase();
  }

  // placeOption finds the place chosen in field: the selected option of a
  // select, or the option of the field's datalist whose value is the typed
  // text (exact: as typed, else ignoring case and surrounding blanks).
  function placeOption(field, exact) {
    if (field.tagName === 'SELECT') {
      var sel = field.options[field.selectedIndex];
      return sel && sel.value ? sel : null;
    }
    var value = field.value || '';
    if (!value.trim()) { return null; }
    var list = field.list || document.getElementById(field.getAttribute('list') || '') || document.getElementById('place-list');
    if (!list) { return null; }
    var opts = list.querySelectorAll('option');
    var want = normalisePlace(value);
    for (var i = 0; i < opts.length; i++) {
      var v = opts[i].value;
      if (exact ? v === value : normalisePlace(v) === want) { return opts[i]; }
    }
    return null;
  }

  function initDraw() {
    var el = document.getElementById('draw-map');
    var geomInput = document.getElementById('geometry');
    if (!el || !geomInput || typeof window.L === 'undefined' || typeof M.createMap !== 'function') { return; }
    var allowed = (form.getAttribute('data-geometry-types') || '').split(/\s+/).filter(function (x) {
      return MODES.indexOf(x) !== -1;
    });
    if (!allowed.length) { return; }

    var latInput = document.getElementById('lat');
    var lonInput = document.getElementById('lon');
    var placeSelect = document.getElementById('place');
    var categorySelect = document.getElementById('category');
    var slug = form.getAttribute('data-slug') || '';

    var state = { mode: allowed[0], pts: [] };
    var area = null;
    var categories = {};
    var map = null;
    var drawLayer = null;
    var interacted = false;
    var wasOutside = false;
    var modeButtons = {};
    var ui = {};

    var MODE_LABEL = {
      Point: t('map.mode_point'),
      LineString: t('map.mode_line'),
      Polygon: t('map.mode_polygon')
    };

    /* --- initial geometry from the form (re-render, manage page) --- */
    (function readInitial() {
      var raw = (geomInput.value || '').trim();
      if (raw) {
        try {
          var g = JSON.parse(raw);
          if (g && g.type === 'Point' && g.coordinates) {
            state.mode = 'Point';
            state.pts = [L.latLng(g.coordinates[1], g.coordinates[0])];
          } else if (g && g.type === 'LineString' && g.coordinates) {
            state.mode = 'LineString';
            state.pts = g.coordinates.map(function (c) { return L.latLng(c[1], c[0]); });
          } else if (g && g.type === 'Polygon' && g.coordinates && g.coordinates[0]) {
            var ring = g.coordinates[0].slice();
            var f = ring[0], l = ring[ring.length - 1];
            if (ring.length > 1 && f[0] === l[0] && f[1] === l[1]) { ring.pop(); }
            state.mode = 'Polygon';
            state.pts = ring.map(function (c) { return L.latLng(c[1], c[0]); });
          }
        } catch (e) { /* leave it to the server */ }
        return;
      }
      if (latInput && lonInput) {
        var la = parseNumber(latInput.value), lo = parseNumber(lonInput.value);
        if (!isNaN(la) && !isNaN(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180 && allowed.indexOf('Point') !== -1) {
          state.mode = 'Point';
          state.pts = [L.latLng(la, lo)];
        }
      }
    })();

    /* --- geometry <-> form fields --- */

    function geometry() {
      var c = state.pts.map(function (p) { var w = p.wrap(); return [round7(w.lng), round7(w.lat)]; });
      if (state.mode === 'Point' && c.length) { return { type: 'Point', coordinates: c[c.length - 1] }; }
      if (state.mode === 'LineString' && c.length >= 2) { return { type: 'LineString', coordinates: c }; }
      if (state.mode === 'Polygon' && c.length >= 3) {
        var distinct = {};
        c.forEach(function (p) { distinct[p[0] + ',' + p[1]] = true; });
        if (Object.keys(distinct).length >= 3) {
          return { type: 'Polygon', coordinates: [c.concat([c[0].slice()])] };
        }
      }
      return null;
    }

    function outside() {
      if (!area) { return false; }
      for (var i = 0; i < state.pts.length; i++) {
        var w = state.pts[i].wrap();
        if (!pointInArea(w.lng, w.lat, area)) { return true; }
      }
      return false;
    }

    function statusText() {
      var n = state.pts.length;
      if (!n) { return t('js.status_none'); }
      if (state.mode === 'Point') { return t('js.status_point', [speak(state.pts[0].lat), speak(state.pts[0].lng)]); }
      if (state.mode === 'LineString') { return tn('js.status_line', n) + (n < 2 ? ' ' + t('js.need_line') : ''); }
      return tn('js.status_polygon', n) + (n < 3 ? ' ' + t('js.need_polygon') : '');
    }

    // sync writes the geometry into the form. source says who changed it:
    // "place" keeps the place select, "coords" keeps what was typed.
    function sync(source) {
      var g = geometry();
      geomInput.value = g ? JSON.stringify(g) : '';
      if (source !== 'coords' && latInput && lonInput) {
        if (g && g.type === 'Point') {
          latInput.value = String(g.coordinates[1]);
          lonInput.value = String(g.coordinates[0]);
        } else {
          latInput.value = '';
          lonInput.value = '';
        }
      }
      if (placeSelect && source !== 'place' && source !== 'init') { placeSelect.value = ''; }
      var out = outside();
      if (ui.warning) { ui.warning.hidden = !out; }
      if (ui.status) { ui.status.textContent = statusText(); }
      var newlyOutside = out && !wasOutside;
      wasOutside = out;
      return newlyOutside;
    }

    function say(msg, newlyOutside) {
      announce(newlyOutside ? msg + ' ' + t('validation.geometry_outside_area') : msg);
    }

    /* --- drawing --- */

    function colour() {
      var key = categorySelect ? categorySelect.value : '';
      return (categories[key] && categories[key].colour) || M.PRIMARY || '#00508c';
    }

    function vertexIcon(first) {
      return L.divIcon({ className: 'vertex-handle' + (first ? ' vertex-first' : ''), iconSize: [16, 16], iconAnchor: [8, 8] });
    }

    function render() {
      if (!drawLayer) { return; }
      drawLayer.clearLayers();
      var pts = state.pts;
      if (!pts.length) { return; }
      if (state.mode === 'Point') {
        var key = categorySelect ? categorySelect.value : '';
        var marker = L.marker(pts[pts.length - 1], {
          icon: M.pinIcon ? M.pinIcon(key) : new L.Icon.Default(),
          draggable: true, keyboard: false, autoPan: true
        });
        marker.on('dragend', function () {
          state.pts = [marker.getLatLng()];
          var no = sync('drag');
          say(t('js.vertex_moved', [speak(state.pts[0].lat), speak(state.pts[0].lng)]), no);
        });
        drawLayer.addLayer(marker);
        return;
      }
      var c = colour();
      var shape;
      if (state.mode === 'Polygon' && pts.length >= 3) {
        shape = L.polygon(pts, { interactive: false, color: c, weight: 3, fillColor: c, fillOpacity: 0.2 });
      } else if (pts.length >= 2) {
        shape = L.polyline(pts, {
          interactive: false, color: c, weight: state.mode === 'LineString' ? 5 : 3,
          dashArray: state.mode === 'Polygon' ? '6 6' : null
        });
      }
      if (shape) { drawLayer.addLayer(shape); }
      pts.forEach(function (p, i) {
        var handle = L.marker(p, { icon: vertexIcon(i === 0), draggable: true, keyboard: false, autoPan: true });
        handle.on('drag', function () {
          state.pts[i] = handle.getLatLng();
          if (shape) { shape.setLatLngs(state.pts); }
        });
        handle.on('dragend', function () {
          state.pts[i] = handle.getLatLng();
          var no = sync('drag');
          say(t('js.vertex_moved', [speak(state.pts[i].lat), speak(state.pts[i].lng)]), no);
        });
        drawLayer.addLayer(handle);
      });
    }

    function addVertex(ll) {
      ll = L.latLng(ll.lat, ll.lng).wrap();
      if (state.mode === 'Point') {
        state.pts = [ll];
      } else {
        state.pts.push(ll);
      }
      render();
      var no = sync('draw');
      var n = state.pts.length;
      var msg;
      if (state.mode === 'Point') {
        msg = t('map.placed', [speak(ll.lat), speak(ll.lng)]);
      } else if (state.mode === 'LineString') {
        msg = t('js.line_vertex', [n, speak(ll.lat), speak(ll.lng)]) + (n < 2 ? ' ' + t('js.need_line') : '');
      } else {
        msg = t('js.polygon_vertex', [n, speak(ll.lat), speak(ll.lng)]) + (n < 3 ? ' ' + t('js.need_polygon') : '');
      }
      say(msg, no);
    }

    function undo() {
      if (!state.pts.length) {
        announce(t('js.nothing_to_undo'));
        return;
      }
      state.pts.pop();
      render();
      sync('draw');
      announce(state.mode === 'Point' ? t('js.point_removed') : tn('js.vertex_removed', state.pts.length));
    }

    function clearAll() {
      state.pts = [];
      render();
      sync('draw');
      announce(t('js.cleared'));
    }

    // setMode switches the drawing mode; quiet skips the announcement and
    // leaves syncing the form to the caller.
    function setMode(mode, quiet) {
      if (MODES.indexOf(mode) === -1) { return; }
      if (mode !== state.mode) {
        state.mode = mode;
        if (mode === 'Point' && state.pts.length > 1) { state.pts = [state.pts[state.pts.length - 1]]; }
        if (!quiet) {
          render();
          sync('mode');
        }
      }
      Object.keys(modeButtons).forEach(function (m) {
        modeButtons[m].setAttribute('aria-pressed', m === state.mode ? 'true' : 'false');
      });
      if (!quiet) { announce(t('js.mode', [MODE_LABEL[mode]]) + ' ' + statusText()); }
    }

    function fitInitial() {
      if (!map) { return; }
      if (state.pts.length) {
        map.fitBounds(L.latLngBounds(state.pts), { padding: [30, 30], maxZoom: 17 });
        return;
      }
      var b = area && M.boundsOf ? M.boundsOf(area) : null;
      if (b) {
        map.fitBounds(b, { padding: [10, 10] });
      } else if (!map._loaded) {
        map.setView([51.16, 10.45], 6);
      }
    }

    function setPoint(ll, source) {
      if (allowed.indexOf('Point') === -1) { return false; }
      setMode('Point', true);
      state.pts = [ll];
      render();
      return sync(source);
    }

    /* --- build the UI --- */

    function build() {
      var hint = h('p', 'hint map-hint', t('map.keyboard_hint'));
      hint.id = 'draw-map-hint';

      var tools = h('div', 'map-tools');
      tools.id = 'map-tools';
      if (allowed.length > 1) {
        var group = h('div', 'map-modes');
        group.setAttribute('role', 'group');
        group.setAttribute('aria-label', t('js.draw_modes'));
        allowed.forEach(function (m) {
          var b = button('map-mode-' + m, MODE_LABEL[m], 'secondary');
          b.setAttribute('aria-pressed', m === state.mode ? 'true' : 'false');
          b.addEventListener('click', function () { setMode(m); });
          modeButtons[m] = b;
          group.appendChild(b);
        });
        tools.appendChild(group);
      }
      var actions = h('div', 'map-actions');
      var here = button('map-place-here', t('map.place_here'), 'primary');
      ui.undo = button('map-undo', t('map.undo'), 'secondary');
      var clear = button('map-clear', t('map.clear'), 'secondary');
      actions.appendChild(here);
      actions.appendChild(ui.undo);
      actions.appendChild(clear);
      tools.appendChild(actions);

      ui.status = h('p', 'map-status');
      ui.status.id = 'draw-map-status';
      ui.warning = h('p', 'error map-warning', t('validation.geometry_outside_area'));
      ui.warning.id = 'geometry-outside';
      ui.warning.hidden = true;

      el.parentNode.insertBefore(hint, el);
      el.parentNode.insertBefore(tools, el);
      if (el.nextSibling) {
        el.parentNode.insertBefore(ui.status, el.nextSibling);
      } else {
        el.parentNode.appendChild(ui.status);
      }
      el.parentNode.insertBefore(ui.warning, ui.status.nextSibling);

      map = M.createMap(el, t('map.label'), { doubleClickZoom: false, zoomSnap: 0.5 });
      el.setAttribute('aria-describedby', 'draw-map-hint draw-map-status');
      var cross = h('div', 'crosshair');
      cross.setAttribute('aria-hidden', 'true');
      el.appendChild(cross);
      drawLayer = L.layerGroup().addTo(map);

      fitInitial();
      render();
      sync('init');

      here.addEventListener('click', function () {
        interacted = true;
        addVertex(map.getCenter());
      });
      ui.undo.addEventListener('click', undo);
      clear.addEventListener('click', clearAll);
      map.on('click', function (e) {
        interacted = true;
        addVertex(e.latlng);
      });
      // Enter on the focused map places a vertex under the crosshair.
      el.addEventListener('keydown', function (e) {
        interacted = true;
        if (e.target === el && e.key === 'Enter') {
          e.preventDefault();
          addVertex(map.getCenter());
        }
      });
      el.addEventListener('pointerdown', function () { interacted = true; });

      if (categorySelect) {
        categorySelect.addEventListener('change', render);
      }

      if (latInput && lonInput) {
        var onCoords = function () {
          var la = parseNumber(latInput.value), lo = parseNumber(lonInput.value);
          if (latInput.value.trim() === '' && lonInput.value.trim() === '') {
            if (state.mode === 'Point' && state.pts.length) {
              state.pts = [];
              render();
              sync('coords');
              announce(t('js.point_removed'));
            }
            return;
          }
          if (!isNaN(la) && !isNaN(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180) {
            var ll = L.latLng(la, lo);
            var no = setPoint(ll, 'coords');
            if (allowed.indexOf('Point') !== -1) {
              map.panTo(ll);
              say(t('map.placed', [speak(la), speak(lo)]), no);
            }
          } else {
            // Incomplete or invalid: let the server check what was typed.
            geomInput.value = '';
            if (state.mode === 'Point') {
              state.pts = [];
              render();
              if (ui.status) { ui.status.textContent = statusText(); }
            }
          }
        };
        latInput.addEventListener('change', onCoords);
        lonInput.addEventListener('change', onCoords);
      }

      if (placeSelect) {
        // #place is a <select> or a search field (input with a datalist):
        // a known place sets the point there, unknown text is left to the
        // server.
        var lastPlace = null;
        var choosePlace = function (exact) {
          var opt = placeOption(placeSelect, exact);
          if (!opt) { return; }
          var la = parseFloat(opt.getAttribute('data-lat')), lo = parseFloat(opt.getAttribute('data-lon'));
          if (isNaN(la) || isNaN(lo)) { return; }
          var ll = L.latLng(la, lo);
          // A datalist pick fires input and later change: announce once.
          if (lastPlace === opt && state.mode === 'Point' && state.pts.length === 1 && state.pts[0].equals(ll)) { return; }
          lastPlace = opt;
          // Send the place as the list spells it.
          if (placeSelect.tagName !== 'SELECT' && placeSelect.value !== opt.value) { placeSelect.value = opt.value; }
          var no = setPoint(ll, 'place');
          map.setView(ll, Math.max(map.getZoom() || 0, 17));
          // A select shows names as option text, a datalist as values.
          var name = placeSelect.tagName === 'SELECT' ? (opt.textContent || '').trim() || opt.value : opt.value.trim();
          say(t('js.place_chosen', [name]) + ' ' + t('map.placed', [speak(la), speak(lo)]), no);
        };
        placeSelect.addEventListener('change', function () { choosePlace(false); });
        if (placeSelect.tagName !== 'SELECT') {
          placeSelect.addEventListener('input', function () { choosePlace(true); });
        }
      }

      if (slug && typeof M.fetchJSON === 'function') {
        M.fetchJSON('/api/v1/procedures/' + encodeURIComponent(slug)).then(function (proc) {
          (proc.categories || []).forEach(function (c) { categories[c.key] = c; });
          if (typeof M.addWMS === 'function') { M.addWMS(map, proc); }
          if (proc.area) {
            area = proc.area;
            L.geoJSON(area, {
              interactive: false,
              style: { color: M.PRIMARY || '#00508c', weight: 2, dashArray: '6 4', fill: false }
            }).addTo(map);
          }
          if (!interacted) {
            fitInitial();
            if (!state.pts.length && !area && proc.map && proc.map.center) {
              map.setView([proc.map.center[1], proc.map.center[0]], proc.map.zoom || 15);
            }
          }
          render();
          wasOutside = false;
          sync('init');
        }).catch(function () { /* the map still works without the area */ });
      }
    }

    var fieldset = el.closest('fieldset');
    function ensure() {
      if (map) {
        map.invalidateSize();
        return;
      }
      try {
        build();
      } catch (e) {
        el.hidden = true;
        if (window.console && console.warn) { console.warn('Mitreden draw map:', e); }
      }
    }
    // A Leaflet map needs a visible container: build it when its step shows.
    if (fieldset && wizard) {
      fieldset.addEventListener('mitreden:step', function () {
        if (!fieldset.hidden) { ensure(); }
      });
      if (!fieldset.hidden) { ensure(); }
    } else {
      ensure();
    }
  }

  try {
    initWizard();
  } catch (e) {
    wizard = false;
    steps.forEach(function (s) { s.hidden = false; });
    if (submit) { submit.hidden = false; }
    if (window.console && console.warn) { console.warn('Mitreden wizard:', e); }
  }
  try {
    initDraw();
  } catch (e) {
    if (window.console && console.warn) { console.warn('Mitreden draw:', e); }
  }
})();
