/* Mitreden – Leaflet helpers shared by every map: base layer, WMS overlay,
 * a labelled keyboard-usable map, pins. Leaflet is the classic script
 * loaded before the modules (global L).
 */
import { t } from 'mitreden/i18n.js';
import { escapeHTML, fetchJSON, safeKey, warn } from 'mitreden/util.js';

const OSM_TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const OSM_ATTRIBUTION = '© OpenStreetMap contributors';
export const PRIMARY = '#00508c';

// baseLayer adds the tile layer configured on el (data-tiles,
// data-attribution), else on body, else OpenStreetMap.
export function baseLayer(map, el) {
  const d = (el && el.dataset) || {};
  const b = document.body.dataset || {};
  const url = d.tiles || b.tiles || OSM_TILES;
  const attribution = d.attribution || b.attribution || OSM_ATTRIBUTION;
  return L.tileLayer(url, { attribution: escapeHTML(attribution), maxZoom: 19 }).addTo(map);
}

// addWMS lays the procedure's WMS overlay (settings.wms_url, wms_layers of
// the procedure JSON) over the base layer of map. It returns the layer, or
// null when there is none; calling it again replaces the earlier overlay.
export function addWMS(map, proc) {
  const s = (proc && proc.settings) || {};
  const url = typeof s.wms_url === 'string' ? s.wms_url.trim() : '';
  if (!map || !url || !L.tileLayer || typeof L.tileLayer.wms !== 'function') { return null; }
  // Only web addresses: a tile is an image, but keep odd schemes out.
  if (!/^(https?:)?\/\//i.test(url) && url.charAt(0) !== '/') { return null; }
  if (map._mitredenWMS) {
    map.removeLayer(map._mitredenWMS);
    map._mitredenWMS = null;
  }
  try {
    const layer = L.tileLayer.wms(url, {
      layers: typeof s.wms_layers === 'string' ? s.wms_layers : '',
      format: 'image/png',
      transparent: true,
      attribution: escapeHTML(typeof s.wms_attribution === 'string' ? s.wms_attribution : '')
    });
    // Added before the map has a view, the layer only joins on load.
    layer.on('add', function () { layer.bringToFront(); });
    layer.addTo(map);
    map._mitredenWMS = layer;
    return layer;
  } catch (e) {
    warn('Mitreden WMS:', e);
    return null;
  }
}

// createMap shows el and turns it into a labelled, keyboard-usable map.
// viewportBBox is the map's view as the API's bbox parameter (west,
// south, east, north; clamped to the world, six decimals).
export function viewportBBox(map) {
  const b = map.getBounds();
  const clamp = function (v, lo, hi) { return Math.max(lo, Math.min(hi, v)); };
  return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
    .map(function (n) { return n.toFixed(6); }).join(',');
}

// followViewport keeps a map's contributions in step with its view: load
// asks base/contributions for the view (clusters where it holds many, at
// most 1,000 features, plus the parameters params adds) and hands the
// answer to render; an answer overtaken by a newer request is dropped.
// Moves ask again a quarter second after the map stands still. It loads
// once at once and returns load, for callers that change params.
export function followViewport(map, base, params, render) {
  let inflight = null;
  let timer = null;
  function load() {
    if (inflight) { inflight.abort(); }
    const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    inflight = ctrl;
    const q = new URLSearchParams();
    params(q);
    q.set('bbox', viewportBBox(map));
    q.set('limit', '1000');
    q.set('cluster', '1');
    fetchJSON(base + '/contributions?' + q.toString(), ctrl ? ctrl.signal : undefined).then(function (fc) {
      if (inflight !== ctrl) { return; }
      inflight = null;
      render(fc);
    }).catch(function () {
      if (inflight === ctrl) { inflight = null; }
    });
  }
  map.on('moveend', function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(load, 250);
  });
  load();
  return load;
}

export function createMap(el, label, options) {
  const opts = { zoomControl: false };
  if (options) {
    for (const k in options) {
      if (Object.prototype.hasOwnProperty.call(options, k)) { opts[k] = options[k]; }
    }
  }
  el.hidden = false;
  el.setAttribute('role', 'region');
  el.setAttribute('aria-label', label || t('map.label'));
  let map;
  try {
    map = L.map(el, opts);
    L.control.zoom({ zoomInTitle: t('js.zoom_in'), zoomOutTitle: t('js.zoom_out') }).addTo(map);
    baseLayer(map, el);
  } catch (e) {
    el.hidden = true;
    throw e;
  }
  return map;
}

export function pinIcon(category) {
  return L.divIcon({
    className: 'map-marker' + (category ? ' cat-' + safeKey(category) : ''),
    html: '<span class="marker-pin"></span>',
    iconSize: [22, 22],
    iconAnchor: [11, 11],
    popupAnchor: [0, -10],
    tooltipAnchor: [10, 0]
  });
}

export function boundsOf(geojson) {
  try {
    const b = L.geoJSON(geojson).getBounds();
    return b.isValid() ? b : null;
  } catch {
    return null;
  }
}
