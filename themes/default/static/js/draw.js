/* Mitreden – the drawing map of the contribution form (#draw-map).
 *
 * Without scripts the place step has coordinate fields and a list of
 * places; with them it gets a map to draw a point, line or area on (by
 * pointer, or with the keyboard under the crosshair). The geometry goes
 * into the form's #geometry field; #lat/#lon and #place stay in step.
 */
import { t, tn } from 'mitreden/i18n.js';
import { h, button, announce, fetchJSON, warn } from 'mitreden/util.js';
import { PRIMARY, addWMS, boundsOf, createMap, pinIcon } from 'mitreden/maps.js';
import { speak, parseNumber, placeOption } from 'mitreden/geo.js';
import { MODES, readInitial, geometry, outside, statusText } from 'mitreden/shape.js';

// initDraw builds the drawing map of form; in a wizard (wizard true) only
// once its step shows, since a Leaflet map needs a visible container.
export function initDraw(form, wizard) {
  const el = document.getElementById('draw-map');
  const geomInput = document.getElementById('geometry');
  if (!el || !geomInput || typeof window.L === 'undefined') { return; }
  const allowed = (form.getAttribute('data-geometry-types') || '').split(/\s+/).filter(function (x) {
    return MODES.indexOf(x) !== -1;
  });
  if (!allowed.length) { return; }

  const latInput = document.getElementById('lat');
  const lonInput = document.getElementById('lon');
  const placeSelect = document.getElementById('place');
  // The category tiles (radio buttons in fieldset#category).
  const categorySelect = document.getElementById('category');
  const categoryKey = function () {
    const r = form.querySelector('input[name="category"]:checked');
    return r ? r.value : '';
  };
  const slug = form.getAttribute('data-slug') || '';
  // The planning area editor redraws the area itself: no "outside" warning.
  const checkArea = !form.hasAttribute('data-no-area-check');

  const state = { mode: allowed[0], pts: [] };
  let area = null;
  const categories = {};
  let map = null;
  let drawLayer = null;
  let interacted = false;
  let wasOutside = false;
  const modeButtons = {};
  const ui = {};

  const MODE_LABEL = {
    Point: t('map.mode_point'),
    LineString: t('map.mode_line'),
    Polygon: t('map.mode_polygon')
  };

  readInitial(state, allowed, geomInput, latInput, lonInput);

  // sync writes the geometry into the form. source says who changed it:
  // "place" keeps the place select, "coords" keeps what was typed.
  function sync(source) {
    const g = geometry(state);
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
    const out = checkArea && outside(state, area);
    if (ui.warning) { ui.warning.hidden = !out; }
    if (ui.status) { ui.status.textContent = statusText(state); }
    const newlyOutside = out && !wasOutside;
    wasOutside = out;
    return newlyOutside;
  }

  function say(msg, newlyOutside) {
    announce(newlyOutside ? msg + ' ' + t('validation.geometry_outside_area') : msg);
  }

  /* --- drawing --- */

  function colour() {
    const key = categoryKey();
    return (categories[key] && categories[key].colour) || PRIMARY;
  }

  function vertexIcon(first) {
    return L.divIcon({ className: 'vertex-handle' + (first ? ' vertex-first' : ''), iconSize: [16, 16], iconAnchor: [8, 8] });
  }

  function render() {
    if (!drawLayer) { return; }
    drawLayer.clearLayers();
    const pts = state.pts;
    if (!pts.length) { return; }
    if (state.mode === 'Point') {
      const key = categoryKey();
      const marker = L.marker(pts[pts.length - 1], {
        icon: pinIcon(key),
        draggable: true, keyboard: false, autoPan: true
      });
      marker.on('dragend', function () {
        state.pts = [marker.getLatLng()];
        const no = sync('drag');
        say(t('js.vertex_moved', [speak(state.pts[0].lat), speak(state.pts[0].lng)]), no);
      });
      drawLayer.addLayer(marker);
      return;
    }
    const c = colour();
    let shape;
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
      const handle = L.marker(p, { icon: vertexIcon(i === 0), draggable: true, keyboard: false, autoPan: true });
      handle.on('drag', function () {
        state.pts[i] = handle.getLatLng();
        if (shape) { shape.setLatLngs(state.pts); }
      });
      handle.on('dragend', function () {
        state.pts[i] = handle.getLatLng();
        const no = sync('drag');
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
    const no = sync('draw');
    const n = state.pts.length;
    let msg;
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
    if (!quiet) { announce(t('js.mode', [MODE_LABEL[mode]]) + ' ' + statusText(state)); }
  }

  function fitInitial() {
    if (!map) { return; }
    if (state.pts.length) {
      map.fitBounds(L.latLngBounds(state.pts), { padding: [30, 30], maxZoom: 17 });
      return;
    }
    const b = area ? boundsOf(area) : null;
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
    const hint = h('p', 'hint map-hint', t('map.keyboard_hint'));
    hint.id = 'draw-map-hint';

    const tools = h('div', 'map-tools');
    tools.id = 'map-tools';
    if (allowed.length > 1) {
      const group = h('div', 'map-modes');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', t('js.draw_modes'));
      allowed.forEach(function (m) {
        const b = button('map-mode-' + m, MODE_LABEL[m], 'secondary');
        b.setAttribute('aria-pressed', m === state.mode ? 'true' : 'false');
        b.addEventListener('click', function () { setMode(m); });
        modeButtons[m] = b;
        group.appendChild(b);
      });
      tools.appendChild(group);
    }
    const actions = h('div', 'map-actions');
    const here = button('map-place-here', t('map.place_here'), 'primary');
    ui.undo = button('map-undo', t('map.undo'), 'secondary');
    const clear = button('map-clear', t('map.clear'), 'secondary');
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

    map = createMap(el, t('map.label'), { doubleClickZoom: false, zoomSnap: 0.5 });
    el.setAttribute('aria-describedby', 'draw-map-hint draw-map-status');
    const cross = h('div', 'crosshair');
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
      const onCoords = function () {
        const la = parseNumber(latInput.value), lo = parseNumber(lonInput.value);
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
          const ll = L.latLng(la, lo);
          const no = setPoint(ll, 'coords');
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
            if (ui.status) { ui.status.textContent = statusText(state); }
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
      let lastPlace = null;
      const choosePlace = function (exact) {
        const opt = placeOption(placeSelect, exact);
        if (!opt) { return; }
        const la = parseFloat(opt.getAttribute('data-lat')), lo = parseFloat(opt.getAttribute('data-lon'));
        if (isNaN(la) || isNaN(lo)) { return; }
        const ll = L.latLng(la, lo);
        // A datalist pick fires input and later change: announce once.
        if (lastPlace === opt && state.mode === 'Point' && state.pts.length === 1 && state.pts[0].equals(ll)) { return; }
        lastPlace = opt;
        // Send the place as the list spells it.
        if (placeSelect.tagName !== 'SELECT' && placeSelect.value !== opt.value) { placeSelect.value = opt.value; }
        const no = setPoint(ll, 'place');
        map.setView(ll, Math.max(map.getZoom() || 0, 17));
        // A select shows names as option text, a datalist as values.
        const name = placeSelect.tagName === 'SELECT' ? (opt.textContent || '').trim() || opt.value : opt.value.trim();
        say(t('js.place_chosen', [name]) + ' ' + t('map.placed', [speak(la), speak(lo)]), no);
      };
      placeSelect.addEventListener('change', function () { choosePlace(false); });
      if (placeSelect.tagName !== 'SELECT') {
        placeSelect.addEventListener('input', function () { choosePlace(true); });
      }
    }

    if (slug) {
      fetchJSON('/api/v1/procedures/' + encodeURIComponent(slug)).then(function (proc) {
        (proc.categories || []).forEach(function (c) { categories[c.key] = c; });
        addWMS(map, proc);
        if (proc.area) {
          area = proc.area;
          L.geoJSON(area, {
            interactive: false,
            style: { color: PRIMARY, weight: 2, dashArray: '6 4', fill: false }
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

  const fieldset = el.closest('fieldset');
  function ensure() {
    if (map) {
      map.invalidateSize();
      return;
    }
    try {
      build();
    } catch (e) {
      el.hidden = true;
      warn('Mitreden draw map:', e);
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
