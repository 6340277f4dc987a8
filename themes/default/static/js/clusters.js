/* Mitreden – the server's clusters on the procedure map: answers with
 * "clustered": true replace the features while the viewport holds too
 * many of them. A cluster is a focusable button that zooms in.
 */
import { t } from 'mitreden/i18n.js';
import { h } from 'mitreden/util.js';

function clusterSize(n) {
  return n < 100 ? 'small' : (n < 1000 ? 'medium' : 'large');
}

// zoomToCluster shows the cluster's members: fitBounds on its bbox,
// or zooming in on the point when the bbox is a point or missing.
function zoomToCluster(map, ll, bbox) {
  const z = map.getZoom();
  let max = map.getMaxZoom();
  max = isFinite(max) ? max : 19;
  const ok = bbox && bbox.length === 4 && bbox.every(function (v) { return typeof v === 'number' && isFinite(v); });
  if (ok && (bbox[2] - bbox[0] > 1e-9 || bbox[3] - bbox[1] > 1e-9)) {
    const b = L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]);
    if (map.getBoundsZoom(b, false, L.point(40, 40)) > z) {
      map.fitBounds(b, { padding: [20, 20] });
    } else {
      // The bbox fills the view already: zoom in anyway, so the
      // click always gets closer to the contributions.
      map.setView(b.getCenter(), Math.min(z + 1, max));
    }
    return;
  }
  map.setView(ll, Math.min(z + 2, max));
}

function clusterMarker(map, f) {
  const p = f.properties || {};
  const c = f.geometry && f.geometry.coordinates;
  if (!c || c.length < 2 || !isFinite(c[0]) || !isFinite(c[1])) { return null; }
  const n = parseInt(p.count, 10) || 0;
  const size = clusterSize(n);
  const label = n === 1 ? t('js.server_cluster_one') : t('js.server_cluster', [n]);
  const box = h('span', 'cluster-icon');
  const shown = h('span', null, n < 10000 ? String(n) : Math.floor(n / 1000) + 'k');
  shown.setAttribute('aria-hidden', 'true');
  box.appendChild(shown);
  box.appendChild(h('span', 'sr-only', label));
  const px = size === 'small' ? 36 : (size === 'medium' ? 44 : 52);
  const ll = L.latLng(c[1], c[0]);
  const marker = L.marker(ll, {
    icon: L.divIcon({ className: 'server-cluster server-cluster-' + size, html: box, iconSize: [px, px] }),
    title: label,
    alt: label,
    keyboard: true,
    riseOnHover: true
  });
  const activate = function () {
    const icon = marker.getElement();
    // The clusters are replaced after the move: keep keyboard focus
    // on the map instead of losing it to the page.
    if (icon && document.activeElement === icon) {
      try { map.getContainer().focus({ preventScroll: true }); } catch { map.getContainer().focus(); }
    }
    zoomToCluster(map, ll, p.bbox);
  };
  marker.on('click', activate);
  // Leaflet 1.9 opens popups on Enter but does not click markers:
  // the focused cluster (role="button") answers Enter and Space.
  marker.on('add', function () {
    const icon = marker.getElement();
    if (!icon) { return; }
    L.DomEvent.on(icon, 'keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ' || e.key === 'Spacebar' || e.keyCode === 13 || e.keyCode === 32) {
        L.DomEvent.stop(e);
        activate();
      }
    });
  });
  return marker;
}

// showClusters replaces the clusters in layer with those of features;
// a focused cluster hands its focus to the map.
export function showClusters(map, layer, features) {
  let focused = false;
  layer.eachLayer(function (m) {
    const icon = m.getElement && m.getElement();
    if (icon && icon === document.activeElement) { focused = true; }
  });
  layer.clearLayers();
  features.forEach(function (f) {
    if (!f || !f.properties || !f.properties.cluster) { return; }
    const m = clusterMarker(map, f);
    if (m) { layer.addLayer(m); }
  });
  if (focused) { map.getContainer().focus(); }
}
