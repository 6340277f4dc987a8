/* Mitreden – back office: the analysis page's map of places (#places-map).
 * The density grid's counted squares as a choropleth over the procedure's
 * base map and area, the hot spots as numbered markers whose popups name
 * their count, most frequent category and topic and link their
 * contributions. The filter form (#places-filter) reloads the grid from
 * heat.geojson without leaving the page and rewrites the table of hot
 * spots (#places-results), which stays the keyboard's and screen
 * reader's way to the same data. Without this script the page shows the
 * grid as an image, the table, and the form reloads the page.
 */
import { t, tn } from 'mitreden/i18n.js';
import { h, announce, warn } from 'mitreden/util.js';
import { PRIMARY, createMap } from 'mitreden/maps.js';

const HEAT = '#c62828';
const FILTERS = ['category', 'topic', 'origin'];

function hotIcon(rank) {
  return L.divIcon({
    className: 'map-marker hot-marker',
    html: '<span class="marker-pin hot-pin">' + String(Number(rank) || '') + '</span>',
    iconSize: [26, 26],
    iconAnchor: [13, 13],
    popupAnchor: [0, -12]
  });
}

// popup is a hot spot's popup: its count, category, topic and contributions.
function popup(p) {
  const box = h('div', 'map-popup hot-popup');
  box.appendChild(h('p', 'popup-title', tn('places.map_hot', p.count, [p.rank, p.count])));
  if (p.category_label) { box.appendChild(h('p', 'meta', t('places.map_category', [p.category_label]))); }
  if (p.topic_label) { box.appendChild(h('p', 'meta', t('places.map_topic', [p.topic_label]))); }
  box.appendChild(links(p));
  return box;
}

function links(p) {
  const list = h('ul', 'hot-list');
  (p.contributions || []).forEach(function (m) {
    const li = h('li');
    const a = h('a', null, m.title || m.id);
    a.href = m.url;
    li.appendChild(a);
    list.appendChild(li);
  });
  if (p.more > 0) { list.appendChild(h('li', null, tn('places.map_more', p.more))); }
  return list;
}

// table writes the hot spots as the server's table does.
function table(fc) {
  const tbl = h('table', 'admin-table');
  tbl.id = 'places-table';
  tbl.appendChild(h('caption', null, fc.caption || ''));
  const head = h('tr');
  (fc.head || []).forEach(function (label) {
    const th = h('th', null, label);
    th.scope = 'col';
    head.appendChild(th);
  });
  const thead = h('thead');
  thead.appendChild(head);
  tbl.appendChild(thead);
  const body = h('tbody');
  (fc.features || []).forEach(function (f) {
    const p = f.properties || {};
    if (p.kind !== 'hot') { return; }
    const tr = h('tr');
    [p.rank, p.place, p.count, p.category_label, p.topic_label].forEach(function (v) { tr.appendChild(h('td', null, v)); });
    const cell = h('td');
    cell.appendChild(links(p));
    tr.appendChild(cell);
    body.appendChild(tr);
  });
  tbl.appendChild(body);
  return tbl;
}

export function initPlacesMap(el, form) {
  const url = el.getAttribute('data-heat');
  const results = document.getElementById('places-results');
  const status = document.getElementById('places-status');
  const map = createMap(el, t('places.map_label'), { scrollWheelZoom: false });
  let area = null;
  try { area = JSON.parse(el.getAttribute('data-area') || 'null'); } catch { area = null; }
  let areaBounds = null;
  if (area) {
    const outline = L.geoJSON(area, { interactive: false, style: { color: PRIMARY, weight: 2, fill: false } }).addTo(map);
    areaBounds = outline.getBounds();
  }
  // The sub-areas, outlined and named with their counts (the table below
  // the chart holds the same numbers).
  let subs = null;
  try { subs = JSON.parse(el.getAttribute('data-subareas') || 'null'); } catch { subs = null; }
  if (subs && subs.features && subs.features.length) {
    L.geoJSON(subs, {
      style: { color: '#37474f', weight: 2, dashArray: '6 4', fill: false },
      onEachFeature: function (f, layer) {
        const p = f.properties || {};
        layer.bindTooltip((p.name || '') + ': ' + tn('places.map_status', p.count || 0), { sticky: true });
      }
    }).addTo(map);
  }
  const cells = L.geoJSON(null, {
    style: function (f) {
      const share = (f.properties && f.properties.share) || 0;
      return { stroke: true, color: HEAT, weight: 0.5, fillColor: HEAT, fillOpacity: 0.15 + 0.6 * share };
    },
    onEachFeature: function (f, layer) {
      if (f.properties && f.properties.label) { layer.bindTooltip(f.properties.label, { sticky: true }); }
    }
  }).addTo(map);
  const hot = L.featureGroup().addTo(map);
  if (areaBounds && areaBounds.isValid()) { map.fitBounds(areaBounds, { padding: [12, 12] }); } else { map.setView([51.16, 10.45], 6); }

  function query() {
    const q = new URLSearchParams();
    FILTERS.forEach(function (k) {
      const s = document.getElementById('heat-' + k);
      if (s && s.value) { q.set(k, s.value); }
    });
    return q;
  }

  let seq = 0;
  function render(fc, spoken) {
    cells.clearLayers();
    hot.clearLayers();
    const feats = (fc && fc.features) || [];
    cells.addData(feats.filter(function (f) { return f.properties && f.properties.kind === 'cell'; }));
    feats.forEach(function (f) {
      const p = f.properties || {};
      const c = f.geometry && f.geometry.coordinates;
      if (p.kind !== 'hot' || !c) { return; }
      const label = tn('places.map_hot', p.count, [p.rank, p.count]);
      const m = L.marker([c[1], c[0]], { icon: hotIcon(p.rank), title: label, alt: label, riseOnHover: true });
      m.bindPopup(function () { return popup(p); });
      hot.addLayer(m);
    });
    if (!(areaBounds && areaBounds.isValid())) {
      const b = cells.getBounds();
      if (b.isValid()) { map.fitBounds(b, { padding: [24, 24], maxZoom: 17 }); }
    }
    if (results) {
      results.textContent = '';
      if (fc.total > 0) {
        results.appendChild(table(fc));
        if (fc.outside_text) { results.appendChild(h('p', null, fc.outside_text)); }
      } else {
        const none = h('p', null, fc.none || '');
        none.id = 'places-none';
        results.appendChild(none);
      }
    }
    const msg = tn('places.map_status', fc.total || 0);
    if (status) { status.textContent = msg; }
    if (spoken) { announce(msg); }
    el.setAttribute('data-loaded', String(++seq));
  }

  function load(spoken) {
    const q = query();
    fetch(url + '?' + q.toString(), { headers: { Accept: 'application/geo+json' }, credentials: 'same-origin' })
      .then(function (r) {
        if (!r.ok) { throw new Error('HTTP ' + r.status); }
        return r.json();
      })
      .then(function (fc) { render(fc, spoken); })
      .catch(function (e) { warn('Mitreden places:', e); });
    if (spoken && window.history && history.replaceState) {
      const page = new URL(window.location.href);
      FILTERS.forEach(function (k) {
        const v = q.get(k);
        if (v) { page.searchParams.set('heat_' + k, v); } else { page.searchParams.delete('heat_' + k); }
      });
      history.replaceState(null, '', page.pathname + page.search + '#places');
    }
  }

  // The server drew the grid as an image for pages without scripts; the map replaces it.
  const svg = document.getElementById('places-svg');
  if (svg) { svg.hidden = true; }
  if (form) {
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      load(true);
    });
    form.querySelectorAll('select').forEach(function (s) {
      s.addEventListener('change', function () { load(true); });
    });
  }
  load(false);
  return map;
}

const el = document.getElementById('places-map');
if (el && typeof window.L !== 'undefined') {
  try { initPlacesMap(el, document.getElementById('places-filter')); } catch (e) { el.hidden = true; warn('Mitreden map:', e); }
}
