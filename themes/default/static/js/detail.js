/* Mitreden – contribution page: the contribution's geometry (#detail-map). */
import { t } from 'mitreden/i18n.js';
import { fetchJSON } from 'mitreden/util.js';
import { PRIMARY, addWMS, createMap, pinIcon } from 'mitreden/maps.js';

export function initDetail(el) {
  const geom = JSON.parse(el.getAttribute('data-geometry') || 'null');
  if (!geom || !geom.type) { return; }
  const map = createMap(el, t('map.label'), {
    dragging: false, scrollWheelZoom: false, boxZoom: false, touchZoom: true, doubleClickZoom: true
  });
  let colour = '';
  try { colour = getComputedStyle(el).getPropertyValue('--cat').trim(); } catch { colour = ''; }
  colour = colour || PRIMARY;
  const layer = L.geoJSON(geom, {
    interactive: false,
    style: { color: colour, weight: 4, fillColor: colour, fillOpacity: 0.25 },
    pointToLayer: function (feature, latlng) {
      return L.marker(latlng, { icon: pinIcon(''), interactive: false, keyboard: false });
    }
  }).addTo(map);
  const b = layer.getBounds();
  if (b.isValid()) {
    map.fitBounds(b, { padding: [24, 24], maxZoom: 17 });
  }
  const slug = el.getAttribute('data-slug');
  if (slug) {
    fetchJSON('/api/v1/procedures/' + encodeURIComponent(slug)).then(function (proc) {
      addWMS(map, proc);
    }).catch(function () { /* the map works without the overlay */ });
  }
}
