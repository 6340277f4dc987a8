/* Mitreden – back office: the moderation queue on a map (#queue-map).
 * The page lists the same contributions as cards; the map is an extra
 * view of where they are. Each pin opens the contribution's back-office
 * page. A map that fails is hidden and leaves the list as it was.
 */
import { t, tn } from 'mitreden/i18n.js';
import { h, warn } from 'mitreden/util.js';
import { createMap, pinIcon } from 'mitreden/maps.js';

export function initQueueMap(el) {
  let fc;
  try { fc = JSON.parse(el.getAttribute('data-queue') || 'null'); } catch { fc = null; }
  const feats = (fc && fc.features) || [];
  if (!feats.length) { return; }
  const map = createMap(el, t('js.modmap_label'), { scrollWheelZoom: false });
  const group = L.featureGroup().addTo(map);
  feats.forEach(function (f) {
    const p = f.properties || {};
    const c = f.geometry && f.geometry.coordinates;
    if (!c) { return; }
    const m = L.marker([c[1], c[0]], { icon: pinIcon(p.category), title: p.title, alt: p.title });
    m.bindPopup(function () {
      const box = h('div', 'map-popup');
      const head = h('p', 'popup-title');
      const a = h('a', null, p.title || '');
      a.href = p.url;
      head.appendChild(a);
      box.appendChild(head);
      box.appendChild(h('p', 'meta', [p.label, p.status, p.place].filter(Boolean).join(' · ')));
      if (p.reports) { box.appendChild(h('p', 'meta', tn('js.modmap_reports', p.reports))); }
      return box;
    });
    group.addLayer(m);
  });
  const b = group.getBounds();
  if (b.isValid()) { map.fitBounds(b, { padding: [24, 24], maxZoom: 17 }); }
}

// "Select all on this page" also ticks the cards' boxes, so that what is
// selected is what one sees (without script the server reads the page's ids).
function initSelectAll() {
  const all = document.getElementById('bulk-all');
  if (!all) { return; }
  all.addEventListener('change', function () {
    document.querySelectorAll('input[type="checkbox"][form="bulk"][name="ids"]').forEach(function (box) { box.checked = all.checked; });
  });
}

try { initSelectAll(); } catch (e) { warn('Mitreden bulk:', e); }
const el = document.getElementById('queue-map');
if (el && typeof window.L !== 'undefined') {
  try { initQueueMap(el); } catch (e) { el.hidden = true; warn('Mitreden map:', e); }
}
