/* Mitreden – placing a contribution on the workshop table's map: a tap
 * sets the point; a line or an area is drawn with one finger (or tapped
 * vertex by vertex), while two fingers still pan and zoom. The shape is
 * that of the contribution form (shape.js) and goes into its #geometry.
 */
import { t } from 'mitreden/i18n.js';
import { announce, safeKey } from 'mitreden/util.js';
import { PRIMARY } from 'mitreden/maps.js';
import { scale } from 'mitreden/kiosk-layer.js';
import { MODES, readInitial, geometry, outside, statusText } from 'mitreden/shape.js';

const MIN_STEP = 12; // px between recorded points of a stroke
const MAX_POINTS = 200;

// thin keeps at most MAX_POINTS of pts, first and last included.
function thin(pts) {
  if (pts.length <= MAX_POINTS) { return pts; }
  const out = [];
  const step = (pts.length - 1) / (MAX_POINTS - 1);
  for (let i = 0; i < MAX_POINTS; i++) { out.push(pts[Math.round(i * step)]); }
  return out;
}

// initKioskDraw draws on map into geomInput for the geometry types allowed;
// onChange runs after every change of the shape.
export function initKioskDraw(map, allowed, geomInput, onChange) {
  const state = { mode: allowed[0] || 'Point', pts: [] };
  readInitial(state, allowed, geomInput, null, null);
  const layer = L.layerGroup().addTo(map);
  const el = map.getContainer();
  let active = false;
  let area = null;
  let stroke = null; // { id, pts } while a finger draws
  let pointers = 0;

  function colour() { return PRIMARY; }

  // category is the class of the topic chosen in the form, for the pin.
  function category() {
    const sel = document.querySelector('#contribute-form input[name="category"]:checked');
    return sel && sel.value ? ' cat-' + safeKey(sel.value) : '';
  }

  function render(extra) {
    layer.clearLayers();
    const pts = extra || state.pts;
    if (!pts.length) { return; }
    if (state.mode === 'Point') {
      layer.addLayer(L.marker(pts[pts.length - 1], {
        icon: L.divIcon({ className: 'kiosk-draft map-marker' + category(), html: '<span class="marker-pin"></span>', iconSize: [Math.round(56 * scale()), Math.round(56 * scale())] }),
        interactive: false, keyboard: false
      }));
      return;
    }
    const c = colour();
    if (state.mode === 'Polygon' && pts.length >= 3) {
      layer.addLayer(L.polygon(pts, { interactive: false, color: c, weight: 6, fillColor: c, fillOpacity: 0.25 }));
    } else if (pts.length >= 2) {
      layer.addLayer(L.polyline(pts, { interactive: false, color: c, weight: 8 }));
    } else {
      layer.addLayer(L.circleMarker(pts[0], { interactive: false, radius: 10, color: '#1a1a1a', weight: 4, fillColor: c, fillOpacity: 1 }));
    }
  }

  function sync() {
    const g = geometry(state);
    geomInput.value = g ? JSON.stringify(g) : '';
    render();
    if (onChange) { onChange(); }
  }

  function say(msg) {
    announce(outside(state, area) ? msg + ' ' + t('validation.geometry_outside_area') : msg);
  }

  map.on('click', function (e) {
    if (!active || state.mode !== 'Point') { return; }
    state.pts = [e.latlng.wrap()];
    sync();
    say(statusText(state));
  });

  function latlngOf(e) {
    return map.mouseEventToLatLng(e).wrap();
  }

  el.addEventListener('pointerdown', function (e) {
    pointers++;
    if (!active || state.mode === 'Point') { return; }
    if (e.target.closest && e.target.closest('.leaflet-control')) { return; }
    if (stroke || pointers > 1) {
      // A second finger: this is a pinch, not a stroke.
      stroke = null;
      render();
      return;
    }
    stroke = { id: e.pointerId, pts: [latlngOf(e)], px: [e.clientX, e.clientY] };
    try { el.setPointerCapture(e.pointerId); } catch { /* not capturable */ }
  });
  el.addEventListener('pointermove', function (e) {
    if (!stroke || e.pointerId !== stroke.id) { return; }
    const dx = e.clientX - stroke.px[0], dy = e.clientY - stroke.px[1];
    if (dx * dx + dy * dy < MIN_STEP * MIN_STEP) { return; }
    stroke.px = [e.clientX, e.clientY];
    stroke.pts.push(latlngOf(e));
    render(stroke.pts);
  });
  function end(e, cancelled) {
    pointers = Math.max(0, pointers - 1);
    if (!stroke || e.pointerId !== stroke.id) { return; }
    const s = stroke;
    stroke = null;
    if (cancelled) {
      render();
      return;
    }
    if (s.pts.length === 1) {
      // A tap: one more vertex.
      state.pts.push(s.pts[0]);
    } else {
      state.pts = thin(s.pts);
    }
    sync();
    const n = state.pts.length;
    if (state.mode === 'LineString') {
      say(n >= 2 ? t('js.kiosk_drawn_line', [n]) : statusText(state));
    } else {
      say(n >= 3 ? t('js.kiosk_drawn_polygon', [n]) : statusText(state));
    }
  }
  el.addEventListener('pointerup', function (e) { end(e, false); });
  el.addEventListener('pointercancel', function (e) { end(e, true); });

  function setDragging() {
    const drawing = active && state.mode !== 'Point';
    el.classList.toggle('kiosk-drawing', drawing);
    if (drawing) { map.dragging.disable(); } else { map.dragging.enable(); }
  }

  return {
    modes: allowed.filter(function (m) { return MODES.indexOf(m) !== -1; }),
    get mode() { return state.mode; },
    setArea: function (a) { area = a; },
    start: function () { active = true; setDragging(); render(); },
    stop: function () { active = false; stroke = null; setDragging(); },
    setMode: function (m) {
      if (m === state.mode || allowed.indexOf(m) === -1) { return; }
      state.mode = m;
      state.pts = m === 'Point' && state.pts.length ? [state.pts[state.pts.length - 1]] : (m === 'Point' ? [] : state.pts);
      setDragging();
      sync();
      if (m === 'LineString') { announce(t('js.kiosk_draw_line')); }
      if (m === 'Polygon') { announce(t('js.kiosk_draw_polygon')); }
    },
    undo: function () {
      if (!state.pts.length) {
        announce(t('js.nothing_to_undo'));
        return;
      }
      state.pts.pop();
      sync();
      announce(statusText(state));
    },
    status: function () { return statusText(state); },
    outside: function () { return outside(state, area); },
    // place is a point that stands for the shape (for the QR hand-off):
    // the point, else the mean of the vertices; null without a shape.
    place: function () {
      if (!state.pts.length) { return null; }
      let la = 0, lo = 0;
      state.pts.forEach(function (p) { la += p.lat; lo += p.lng; });
      return L.latLng(la / state.pts.length, lo / state.pts.length);
    }
  };
}
