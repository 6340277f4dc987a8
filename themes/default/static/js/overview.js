/* Mitreden – home page: the areas of all procedures (#overview-map). */
import { t } from 'mitreden/i18n.js';
import { h, fetchJSON } from 'mitreden/util.js';
import { PRIMARY, createMap, pinIcon } from 'mitreden/maps.js';

const STATUS_COLOURS = { running: '#1d6b2f', upcoming: PRIMARY, finished: '#4a4a4a' };

export function initOverview(el) {
  fetchJSON('/api/v1/procedures').then(function (data) {
    const procs = (data && data.procedures) || [];
    const drawable = procs.filter(function (p) { return p.area || (p.map && p.map.center); });
    if (!drawable.length) { return; }
    const map = createMap(el, t('map.label'), { scrollWheelZoom: false });
    const group = L.featureGroup().addTo(map);
    drawable.forEach(function (p) {
      const title = p.title || p.slug;
      const href = '/p/' + encodeURIComponent(p.slug);
      let layer;
      if (p.area) {
        const colour = STATUS_COLOURS[p.status] || PRIMARY;
        layer = L.geoJSON(p.area, { style: { color: colour, weight: 3, fillColor: colour, fillOpacity: 0.15 } });
      } else {
        layer = L.marker([p.map.center[1], p.map.center[0]], { icon: pinIcon(''), title: title, alt: title });
      }
      layer.bindTooltip(h('span', null, title), { sticky: true });
      layer.bindPopup(function () {
        const box = h('div', 'map-popup');
        const head = h('p', 'popup-title');
        const a = h('a', null, title);
        a.href = href;
        head.appendChild(a);
        box.appendChild(head);
        return box;
      });
      group.addLayer(layer);
    });
    const b = group.getBounds();
    if (b.isValid()) {
      map.fitBounds(b, { padding: [20, 20], maxZoom: 15 });
    } else {
      map.setView([51.16, 10.45], 6);
    }
  }).catch(function () {
    el.hidden = true;
  });
}
