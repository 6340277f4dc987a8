/* Mitreden – the shape being drawn on the contribution form's map.
 *
 * state is { mode: 'Point' | 'LineString' | 'Polygon', pts: [L.LatLng] }:
 * a point keeps its last position, a line its vertices, an area its
 * corners without the closing one.
 */
import { t, tn } from 'mitreden/i18n.js';
import { round7, speak, parseNumber, pointInArea } from 'mitreden/geo.js';

export const MODES = ['Point', 'LineString', 'Polygon'];

// readInitial takes the shape the form already holds (a re-rendered form,
// the manage page): its #geometry, else a point from #lat/#lon.
export function readInitial(state, allowed, geomInput, latInput, lonInput) {
  const raw = (geomInput.value || '').trim();
  if (raw) {
    try {
      const g = JSON.parse(raw);
      if (g && g.type === 'Point' && g.coordinates) {
        state.mode = 'Point';
        state.pts = [L.latLng(g.coordinates[1], g.coordinates[0])];
      } else if (g && g.type === 'LineString' && g.coordinates) {
        state.mode = 'LineString';
        state.pts = g.coordinates.map(function (c) { return L.latLng(c[1], c[0]); });
      } else if (g && g.type === 'Polygon' && g.coordinates && g.coordinates[0]) {
        const ring = g.coordinates[0].slice();
        const f = ring[0], l = ring[ring.length - 1];
        if (ring.length > 1 && f[0] === l[0] && f[1] === l[1]) { ring.pop(); }
        state.mode = 'Polygon';
        state.pts = ring.map(function (c) { return L.latLng(c[1], c[0]); });
      }
    } catch { /* leave it to the server */ }
    return;
  }
  if (latInput && lonInput) {
    const la = parseNumber(latInput.value), lo = parseNumber(lonInput.value);
    if (!isNaN(la) && !isNaN(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180 && allowed.indexOf('Point') !== -1) {
      state.mode = 'Point';
      state.pts = [L.latLng(la, lo)];
    }
  }
}

// geometry is the shape as GeoJSON, or null while it is incomplete.
export function geometry(state) {
  const c = state.pts.map(function (p) { const w = p.wrap(); return [round7(w.lng), round7(w.lat)]; });
  if (state.mode === 'Point' && c.length) { return { type: 'Point', coordinates: c[c.length - 1] }; }
  if (state.mode === 'LineString' && c.length >= 2) { return { type: 'LineString', coordinates: c }; }
  if (state.mode === 'Polygon' && c.length >= 3) {
    const distinct = {};
    c.forEach(function (p) { distinct[p[0] + ',' + p[1]] = true; });
    if (Object.keys(distinct).length >= 3) {
      return { type: 'Polygon', coordinates: [c.concat([c[0].slice()])] };
    }
  }
  return null;
}

// outside reports whether a vertex lies outside the planning area (none:
// never).
export function outside(state, area) {
  if (!area) { return false; }
  for (let i = 0; i < state.pts.length; i++) {
    const w = state.pts[i].wrap();
    if (!pointInArea(w.lng, w.lat, area)) { return true; }
  }
  return false;
}

// statusText describes the shape for the status line under the map.
export function statusText(state) {
  const n = state.pts.length;
  if (!n) { return t('js.status_none'); }
  if (state.mode === 'Point') { return t('js.status_point', [speak(state.pts[0].lat), speak(state.pts[0].lng)]); }
  if (state.mode === 'LineString') { return tn('js.status_line', n) + (n < 2 ? ' ' + t('js.need_line') : ''); }
  return tn('js.status_polygon', n) + (n < 3 ? ' ' + t('js.need_polygon') : '');
}
