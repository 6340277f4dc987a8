/* Mitreden – the wall's map: the procedure's area with its published
 * contributions as pins (lines and areas as shapes). Nothing on it is
 * interactive: the wall is watched, not used. A contribution that arrives
 * live is highlighted for a while (a pulse, or a still ring where the
 * reader prefers reduced motion: wall.css).
 */
import { t } from 'mitreden/i18n.js';
import { fetchJSON, safeKey, warn } from 'mitreden/util.js';
import { PRIMARY, boundsOf, createMap } from 'mitreden/maps.js';

const HIGHLIGHT_MS = 10000;

// pinSize grows with the page's type (28.8 px at 1920×1080, twice that at
// 3840×2160).
function pinSize() {
  const px = parseFloat(window.getComputedStyle(document.body).fontSize) || 24;
  return Math.round(Math.max(24, px * 1.1));
}

// initWallMap shows the map in el for procedure slug. It returns
// { put(feature, arrived), remove(id) }, or null without Leaflet.
export function initWallMap(el, slug) {
  if (!el || typeof window.L === 'undefined') { return null; }
  let map;
  try {
    map = createMap(el, t('wall.map'), { zoomSnap: 0.25, scrollWheelZoom: false, keyboard: false });
    map.attributionControl.setPrefix(false);
    map.setView([51.16, 10.45], 6);
  } catch (e) {
    warn('Mitreden wall:', e);
    return null;
  }
  const base = '/api/v1/procedures/' + encodeURIComponent(slug);
  const group = L.featureGroup().addTo(map);
  const layers = {};
  const gone = {};
  const colours = {};

  // mark gives the layer's elements the contribution's id (data-id) and,
  // for a while, the highlight.
  function mark(layer, id, arrived) {
    const els = [];
    if (layer.getElement) {
      els.push(layer.getElement());
    } else if (layer.eachLayer) {
      layer.eachLayer(function (l) { if (l.getElement) { els.push(l.getElement()); } });
    }
    els.forEach(function (e) {
      if (!e) { return; }
      e.setAttribute('data-id', id);
      if (arrived) {
        e.classList.add('wall-arrived');
        setTimeout(function () { e.classList.remove('wall-arrived'); }, HIGHLIGHT_MS);
      }
    });
  }

  function put(f, arrived) {
    if (!f || !f.id || !f.geometry || !f.geometry.type) { return; }
    remove(f.id);
    delete gone[f.id];
    const p = f.properties || {};
    const label = t('wall.pin', [p.title || '']);
    let layer;
    if (f.geometry.type === 'Point') {
      const c = f.geometry.coordinates;
      const s = pinSize();
      layer = L.marker([c[1], c[0]], {
        icon: L.divIcon({
          className: 'wall-pin map-marker' + (p.category ? ' cat-' + safeKey(p.category) : ''),
          html: '<span class="marker-pin"></span>', iconSize: [s, s]
        }),
        title: label, interactive: false, keyboard: false
      });
    } else {
      const colour = colours[p.category] || PRIMARY;
      layer = L.geoJSON(f.geometry, {
        interactive: false,
        style: { color: colour, weight: 6, opacity: 0.9, fillColor: colour, fillOpacity: 0.25, className: 'wall-path' }
      });
    }
    layers[f.id] = layer;
    layer.addTo(group);
    mark(layer, f.id, arrived);
    el.setAttribute('data-pins', String(Object.keys(layers).length));
  }

  function remove(id) {
    gone[id] = true;
    const layer = layers[id];
    if (!layer) { return; }
    group.removeLayer(layer);
    delete layers[id];
    el.setAttribute('data-pins', String(Object.keys(layers).length));
  }

  fetchJSON(base).catch(function () { return null; }).then(function (proc) {
    (proc && proc.categories || []).forEach(function (c) { colours[c.key] = c.colour; });
    const area = proc && proc.area;
    const b = area ? boundsOf(area) : null;
    if (area) {
      L.geoJSON(area, { interactive: false, style: { color: PRIMARY, weight: 4, dashArray: '10 6', fillColor: PRIMARY, fillOpacity: 0.04 } }).addTo(map);
    }
    if (b) {
      map.fitBounds(b, { padding: [30, 30] });
    } else if (proc && proc.map && proc.map.center) {
      map.setView([proc.map.center[1], proc.map.center[0]], proc.map.zoom || 15);
    }
    return newest(base + '/contributions?limit=100', 1000);
  }).then(function (features) {
    features.forEach(function (f) {
      // Kept unless it went (or came anew) live while this loaded.
      if (f && f.id && !gone[f.id] && !layers[f.id]) { put(f, false); }
    });
  }).catch(function (e) { warn('Mitreden wall:', e); }).then(function () {
    el.setAttribute('data-ready', 'true');
  });

  return { put: put, remove: remove };
}

// newest loads up to max of the newest contributions from url, following
// the pages the server hands out (an answer holds at most 100 features).
function newest(url, max) {
  const out = [];
  function page(cursor) {
    return fetchJSON(url + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')).then(function (fc) {
      Array.prototype.push.apply(out, (fc && fc.features) || []);
      if (fc && fc.next_cursor && out.length < max) { return page(fc.next_cursor); }
      return out;
    });
  }
  return page('');
}
