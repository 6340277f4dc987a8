/* Mitreden – procedure page (#map): the contributions of the viewport,
 * clustered by the server when there are many, kept current by the live
 * event stream together with the list of cards.
 */
import { t, tn, formatDateTime } from 'mitreden/i18n.js';
import { h, escapeHTML, fetchJSON, announce } from 'mitreden/util.js';
import { PRIMARY, addWMS, boundsOf, createMap, followViewport, pinIcon } from 'mitreden/maps.js';
import { subscribe } from 'mitreden/live.js';
import { showClusters } from 'mitreden/clusters.js';
import { initView } from 'mitreden/procedure-view.js';
import {
  FILTER_KEYS, readFilters, matchesFilters, popupFor, cardsFor, buildCard, bumpCount, setPlanning
} from 'mitreden/cards.js';

export function initProcedure(el) {
  const slug = el.getAttribute('data-slug');
  if (!slug) { return; }
  const base = '/api/v1/procedures/' + encodeURIComponent(slug);
  const filters = readFilters(window.location.search);
  const proc = { slug: slug, categories: {}, types: {}, typeLang: {}, planning: {} };

  const map = createMap(el, t('procedure.map'));
  // The page's layout around the map; a chosen contribution also shows in
  // the panel on a wide screen.
  const showDetail = initView(map);
  let layers = {};
  const points = typeof L.markerClusterGroup === 'function'
    ? L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      maxClusterRadius: 40,
      iconCreateFunction: function (cluster) {
        const n = cluster.getChildCount();
        const size = n < 10 ? 'small' : (n < 100 ? 'medium' : 'large');
        return L.divIcon({
          className: 'cluster-marker cluster-' + size,
          html: '<span class="cluster-icon"><span aria-hidden="true">' + n + '</span><span class="sr-only">' +
            escapeHTML(tn('js.cluster', n)) + '</span></span>',
          iconSize: [40, 40]
        });
      }
    })
    : L.featureGroup();
  const paths = L.featureGroup();
  // Server clusters (answers with "clustered": true) replace the features
  // while the viewport holds too many of them.
  const clusterLayer = L.featureGroup();
  let clustered = false;

  function colourOf(key) {
    return (proc.categories[key] && proc.categories[key].colour) || PRIMARY;
  }

  function addFeature(f) {
    if (!f || !f.id || !f.geometry || !f.geometry.type) { return; }
    if (layers[f.id]) { return; }
    const p = f.properties || {};
    const title = p.title || '';
    let layer;
    if (f.geometry.type === 'Point') {
      const c = f.geometry.coordinates;
      layer = L.marker([c[1], c[0]], { icon: pinIcon(p.category), title: title, alt: title, riseOnHover: true });
      layer.bindPopup(function () { return popupFor(proc, f); });
      layer.on('popupopen', function () { showDetail(proc, f); });
      points.addLayer(layer);
    } else {
      const colour = colourOf(p.category);
      const line = f.geometry.type === 'LineString' || f.geometry.type === 'MultiLineString';
      layer = L.geoJSON(f.geometry, {
        style: { color: colour, weight: line ? 5 : 3, opacity: 0.9, fillColor: colour, fillOpacity: 0.25 }
      });
      layer.bindPopup(function () { return popupFor(proc, f); });
      layer.on('popupopen', function () { showDetail(proc, f); });
      layer.bindTooltip(h('span', null, title), { sticky: true });
      paths.addLayer(layer);
    }
    layers[f.id] = layer;
  }

  function removeFeature(id) {
    const layer = layers[id];
    if (!layer) { return false; }
    points.removeLayer(layer);
    paths.removeLayer(layer);
    delete layers[id];
    return true;
  }

  function clearFeatures() {
    points.clearLayers();
    paths.clearLayers();
    layers = {};
  }

  // render takes one viewport answer: clusters or features, and removes
  // the layers of the other kind.
  function render(fc) {
    const features = (fc && fc.features) || [];
    if (fc && fc.clustered === true) {
      if (!clustered) { clearFeatures(); }
      clustered = true;
      showClusters(map, clusterLayer, features);
      return;
    }
    if (clustered) {
      clusterLayer.clearLayers();
      clustered = false;
    }
    features.forEach(addFeature);
  }

  /* live updates */

  function onCreated(f) {
    if (!f || !f.id || !matchesFilters(filters, f)) { return; }
    removeFeature(f.id);
    // A clustered view shows counts of the last answer; the next move
    // brings the new contribution in.
    if (!clustered) { addFeature(f); }
    const list = document.getElementById('cards');
    const sort = filters.sort || 'newest';
    const title = (f.properties && f.properties.title) || '';
    if (list && sort === 'newest' && !cardsFor(f.id).length) {
      list.insertBefore(buildCard(proc, f), list.firstChild);
      bumpCount(1);
    }
    announce(t('procedure.new', [title]));
  }

  // onRemoved takes a contribution off the map and the list: hidden,
  // withdrawn or merged (contribution.removed carries only id and status),
  // or no longer matching the filters after an edit.
  function onRemoved(d) {
    if (!d || !d.id) { return; }
    const had = removeFeature(d.id);
    const cards = cardsFor(d.id);
    cards.forEach(function (li) { li.parentNode.removeChild(li); });
    if (cards.length) { bumpCount(-1); }
    if (had || cards.length) { announce(t('js.removed')); }
  }

  function onUpdated(f) {
    if (!f || !f.id) { return; }
    const p = f.properties || {};
    if (!matchesFilters(filters, f)) {
      onRemoved(f);
      return;
    }
    if (removeFeature(f.id) && !clustered) { addFeature(f); }
    cardsFor(f.id).forEach(function (li) {
      const a = li.querySelector('h3 a');
      if (a && p.title) { a.textContent = p.title; }
      const ex = li.querySelector('.excerpt');
      if (ex && typeof p.text === 'string') { ex.textContent = p.text; }
      setPlanning(proc, li, p);
    });
  }

  // contribution.created, contribution.updated (the whole Feature) and
  // contribution.removed ({id, status}); comment events are not shown here.
  let close = null;
  window.addEventListener('pagehide', function () { if (close) { close(); close = null; } });

  fetchJSON(base).then(function (p) {
    (p.categories || []).forEach(function (c) { proc.categories[c.key] = c; });
    (p.types || []).forEach(function (ty) {
      proc.types[ty.key] = ty.label;
      if (ty.label_lang) { proc.typeLang[ty.key] = ty.label_lang; }
    });
    (p.planning_statuses || []).forEach(function (s) { proc.planning[s.key] = s.label; });
    return p;
  }).catch(function () {
    return null;
  }).then(function (p) {
    let areaBounds = null;
    addWMS(map, p);
    if (p && p.area) {
      L.geoJSON(p.area, {
        interactive: false,
        style: { color: PRIMARY, weight: 2, dashArray: '6 4', fillColor: PRIMARY, fillOpacity: 0.04 }
      }).addTo(map);
      areaBounds = boundsOf(p.area);
    }
    if (p && p.map && p.map.center && p.map.center.length === 2) {
      map.setView([p.map.center[1], p.map.center[0]], p.map.zoom || 15);
    } else if (areaBounds) {
      map.fitBounds(areaBounds, { padding: [10, 10] });
    } else {
      map.setView([51.16, 10.45], 6);
    }
    // The zoom level, readable by the page (and its tests): data-zoom.
    const showZoom = function () { el.setAttribute('data-zoom', String(map.getZoom())); };
    showZoom();
    map.on('zoomend', showZoom);
    addAppointments(map, p);
    paths.addTo(map);
    points.addTo(map);
    clusterLayer.addTo(map);
    followViewport(map, base, function (q) {
      FILTER_KEYS.forEach(function (k) { if (filters[k]) { q.set(k, filters[k]); } });
    }, render);
    close = subscribe(base + '/events', {
      'contribution.created': onCreated,
      'contribution.updated': onUpdated,
      'contribution.removed': onRemoved
    });
  });
}

// addAppointments marks the procedure's appointments (workshops, walks)
// on the map; each marker is focusable and opens date and address.
function addAppointments(map, proc) {
  ((proc && proc.appointments) || []).forEach(function (a) {
    if (typeof a.lon !== 'number' || typeof a.lat !== 'number') { return; }
    const date = formatDateTime(a.starts_at);
    const label = (a.title || '') + (date ? ' – ' + date : '');
    const marker = L.marker([a.lat, a.lon], {
      icon: L.divIcon({ className: 'appointment-marker', html: '<span class="appointment-pin"></span>', iconSize: [28, 28] }),
      title: label, alt: label, keyboard: true
    });
    const box = h('div', 'map-popup');
    box.appendChild(h('p', 'popup-title', a.title || ''));
    if (date) { box.appendChild(h('p', 'meta', date)); }
    if (a.address) { box.appendChild(h('p', null, a.address)); }
    marker.bindPopup(box);
    marker.addTo(map);
  });
}
