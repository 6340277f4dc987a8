/* Mitreden – the contributions on the workshop table's map: finger-sized
 * pins (clustered), lines and areas, kept current by the live stream; a
 * tap opens one (onOpen) in the panel, where it can be rated.
 */
import { t, tn } from 'mitreden/i18n.js';
import { escapeHTML, safeKey, labelSpan } from 'mitreden/util.js';
import { PRIMARY, followViewport } from 'mitreden/maps.js';
import { showClusters } from 'mitreden/clusters.js';
import { subscribe } from 'mitreden/live.js';

// scale grows pins and clusters with the page's type (large on a 4K
// screen at 1:1): the base size is 24 px.
export function scale() {
  const px = parseFloat(window.getComputedStyle(document.body).fontSize) || 24;
  return Math.max(1, px / 24);
}

function pin(category) {
  const s = Math.round(56 * scale());
  return L.divIcon({
    className: 'kiosk-pin map-marker' + (category ? ' cat-' + safeKey(category) : ''),
    html: '<span class="marker-pin"></span>',
    iconSize: [s, s]
  });
}

// initContributions shows the contributions of slug on map; colours maps a
// category key to its colour. It returns { feature(id), update(f) }.
export function initContributions(map, slug, colours, onOpen) {
  const base = '/api/v1/procedures/' + encodeURIComponent(slug);
  const points = typeof L.markerClusterGroup === 'function'
    ? L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 60,
      iconCreateFunction: function (cluster) {
        const n = cluster.getChildCount();
        return L.divIcon({
          className: 'kiosk-cluster',
          html: '<span class="cluster-icon"><span aria-hidden="true">' + n + '</span><span class="sr-only">' +
            escapeHTML(tn('js.cluster', n)) + '</span></span>',
          iconSize: [Math.round(64 * scale()), Math.round(64 * scale())]
        });
      }
    })
    : L.featureGroup();
  const paths = L.featureGroup();
  const clusterLayer = L.featureGroup();
  let layers = {};
  const features = {};
  let clustered = false;

  function add(f) {
    if (!f || !f.id || !f.geometry || !f.geometry.type || layers[f.id]) { return; }
    features[f.id] = f;
    const p = f.properties || {};
    const label = t('js.kiosk_contribution', [p.title || '']);
    let layer;
    if (f.geometry.type === 'Point') {
      const c = f.geometry.coordinates;
      layer = L.marker([c[1], c[0]], { icon: pin(p.category), title: label, alt: label, keyboard: true, riseOnHover: true });
      layer.on('add', function () {
        const icon = layer.getElement();
        if (!icon) { return; }
        icon.setAttribute('data-id', f.id);
        icon.setAttribute('role', 'button');
        L.DomEvent.on(icon, 'keydown', function (e) {
          if (e.key === 'Enter' || e.key === ' ') {
            L.DomEvent.stop(e);
            onOpen(features[f.id]);
          }
        });
      });
      points.addLayer(layer);
    } else {
      const colour = colours[p.category] || PRIMARY;
      const line = /LineString/.test(f.geometry.type);
      layer = L.geoJSON(f.geometry, {
        style: { color: colour, weight: line ? 10 : 5, opacity: 0.9, fillColor: colour, fillOpacity: 0.25, className: 'kiosk-path' }
      });
      paths.addLayer(layer);
    }
    layer.on('click', function () { onOpen(features[f.id]); });
    layers[f.id] = layer;
  }

  function remove(id) {
    const layer = layers[id];
    if (!layer) { return; }
    points.removeLayer(layer);
    paths.removeLayer(layer);
    delete layers[id];
    delete features[id];
  }

  function render(fc) {
    const list = (fc && fc.features) || [];
    if (fc && fc.clustered === true) {
      points.clearLayers();
      paths.clearLayers();
      layers = {};
      clustered = true;
      showClusters(map, clusterLayer, list);
      return;
    }
    if (clustered) {
      clusterLayer.clearLayers();
      clustered = false;
    }
    list.forEach(add);
  }

  paths.addTo(map);
  points.addTo(map);
  clusterLayer.addTo(map);
  followViewport(map, base, function () {}, function (fc) {
    render(fc);
    map.getContainer().setAttribute('data-contributions', String(Object.keys(layers).length));
  });

  let close = subscribe(base + '/events', {
    'contribution.created': function (f) { if (!clustered) { add(f); } },
    'contribution.updated': function (f) {
      if (!f || !f.id) { return; }
      remove(f.id);
      if (!clustered) { add(f); }
    },
    'contribution.removed': function (d) { if (d && d.id) { remove(d.id); } }
  });
  window.addEventListener('pagehide', function () { if (close) { close(); close = null; } });

  return {
    feature: function (id) { return features[id]; },
    update: function (f) { if (f && f.id) { features[f.id] = f; } }
  };
}

// detailMeta fills el with the line above a contribution's text: its
// category (lang="de" where langs says the label is German standing in)
// and where it came from.
export function detailMeta(el, f, labels, langs) {
  const p = f.properties || {};
  while (el.firstChild) { el.removeChild(el.firstChild); }
  const parts = [];
  if (labels[p.category]) { parts.push(labelSpan(labels[p.category], (langs || {})[p.category])); }
  if (p.author_name) { parts.push(document.createTextNode(p.author_name)); }
  if (p.origin && p.origin.indexOf('table') === 0) { parts.push(document.createTextNode(t('card.origin_table'))); }
  parts.forEach(function (n, i) {
    if (i > 0) { el.appendChild(document.createTextNode(' · ')); }
    el.appendChild(n);
  });
}
