/* Mitreden – maps (progressive enhancement).
 *
 * Runs on every page and acts on what it finds:
 *   #overview-map  home page: procedure areas
 *   #map           procedure page: contributions of the viewport, live updates
 *   #detail-map    contribution page: the contribution's geometry
 * and exports window.Mitreden for contribute.js.
 *
 * Rules: no inline styles or handlers (strict CSP), resident text only via
 * textContent, every failure leaves the server-rendered page as it was.
 */
(function () {
  'use strict';

  var OSM_TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
  var OSM_ATTRIBUTION = '© OpenStreetMap contributors';
  var PRIMARY = '#00508c';

  var lang = (document.documentElement.getAttribute('lang') || 'de').toLowerCase().indexOf('en') === 0 ? 'en' : 'de';

  // German fallbacks for the server's messages, and the few strings the
  // server does not send (prefixed "js.").
  var DE = {
    'map.label': 'Karte',
    'map.place_here': 'Hier setzen',
    'map.undo': 'Rückgängig',
    'map.clear': 'Löschen',
    'map.finish': 'Fertig',
    'map.mode_point': 'Punkt',
    'map.mode_line': 'Linie',
    'map.mode_polygon': 'Fläche',
    'map.keyboard_hint': 'Mit den Pfeiltasten verschieben Sie das Fadenkreuz in der Kartenmitte; „Hier setzen“ setzt einen Punkt an dieser Stelle.',
    'map.placed': 'Punkt gesetzt bei {}, {}.',
    'contribute.next': 'Weiter',
    'contribute.prev': 'Zurück',
    'validation.required': 'Bitte füllen Sie dieses Feld aus.',
    'validation.too_short': 'Bitte schreiben Sie mindestens {} Zeichen.',
    'procedure.map': 'Karte der Beiträge',
    'procedure.new': 'Neuer Beitrag: {}',
    'geometry.none': 'ohne Ort',
    'contribution.anonymous': 'anonym',
    'card.up': '{} Zustimmungen',
    'card.up|one': '{} Zustimmung',
    'card.down': '{} Ablehnungen',
    'card.down|one': '{} Ablehnung',
    'card.comments': '{} Kommentare',
    'card.comments|one': '{} Kommentar',
    'procedure.count': '{} Beiträge',
    'procedure.count|one': '{} Beitrag',
    'card.origin_table': 'vom Werkstatt-Tisch',
    'validation.geometry_outside_area': 'Der Ort liegt außerhalb des Plangebiets.',
    'js.step': 'Schritt {} von {}',
    'js.zoom_in': 'Vergrößern',
    'js.zoom_out': 'Verkleinern',
    'js.cluster': '{} Beiträge',
    'js.cluster|one': '{} Beitrag',
    'js.server_cluster': '{} Beiträge – heranzoomen',
    'js.server_cluster_one': '1 Beitrag – heranzoomen',
    'js.draw_modes': 'Art der Verortung',
    'js.mode': 'Modus: {}.',
    'js.line_vertex': 'Linienpunkt {} gesetzt bei {}, {}.',
    'js.polygon_vertex': 'Eckpunkt {} der Fläche gesetzt bei {}, {}.',
    'js.vertex_moved': 'Punkt verschoben nach {}, {}.',
    'js.vertex_removed': 'Punkt entfernt. Noch {} Punkte.',
    'js.vertex_removed|one': 'Punkt entfernt. Noch {} Punkt.',
    'js.point_removed': 'Punkt entfernt.',
    'js.nothing_to_undo': 'Es gibt nichts rückgängig zu machen.',
    'js.cleared': 'Verortung gelöscht.',
    'js.status_none': 'Noch kein Ort gesetzt.',
    'js.status_point': 'Punkt bei {}, {}.',
    'js.status_line': 'Linie mit {} Punkten.',
    'js.status_line|one': 'Linie mit {} Punkt.',
    'js.status_polygon': 'Fläche mit {} Eckpunkten.',
    'js.status_polygon|one': 'Fläche mit {} Eckpunkt.',
    'js.need_line': 'Eine Linie braucht mindestens 2 Punkte.',
    'js.need_polygon': 'Eine Fläche braucht mindestens 3 Eckpunkte.',
    'js.place_chosen': 'Ort gewählt: {}.',
    'js.removed': 'Ein Beitrag wurde entfernt.'
  };
  var EN = {
    'map.label': 'Map',
    'map.place_here': 'Place here',
    'map.undo': 'Undo',
    'map.clear': 'Clear',
    'map.finish': 'Finish',
    'map.mode_point': 'Point',
    'map.mode_line': 'Line',
    'map.mode_polygon': 'Area',
    'map.keyboard_hint': 'Move the crosshair at the map centre with the arrow keys; "Place here" sets a point there.',
    'map.placed': 'Point placed at {}, {}.',
    'contribute.next': 'Next',
    'contribute.prev': 'Back',
    'validation.required': 'Please fill in this field.',
    'validation.too_short': 'Please write at least {} characters.',
    'procedure.map': 'Map of contributions',
    'procedure.new': 'New contribution: {}',
    'geometry.none': 'no location',
    'contribution.anonymous': 'anonymous',
    'card.up': '{} in favour',
    'card.down': '{} against',
    'card.comments': '{} comments',
    'card.comments|one': '{} comment',
    'procedure.count': '{} contributions',
    'procedure.count|one': '{} contribution',
    'card.origin_table': 'from the workshop table',
    'validation.geometry_outside_area': 'The location is outside the planning area.',
    'js.step': 'Step {} of {}',
    'js.zoom_in': 'Zoom in',
    'js.zoom_out': 'Zoom out',
    'js.cluster': '{} contributions',
    'js.cluster|one': '{} contribution',
    'js.server_cluster': '{} contributions – zoom in',
    'js.server_cluster_one': '1 contribution – zoom in',
    'js.draw_modes': 'Kind of location',
    'js.mode': 'Mode: {}.',
    'js.line_vertex': 'Line point {} placed at {}, {}.',
    'js.polygon_vertex': 'Corner {} of the area placed at {}, {}.',
    'js.vertex_moved': 'Point moved to {}, {}.',
    'js.vertex_removed': 'Point removed. {} points left.',
    'js.vertex_removed|one': 'Point removed. {} point left.',
    'js.point_removed': 'Point removed.',
    'js.nothing_to_undo': 'There is nothing to undo.',
    'js.cleared': 'Location cleared.',
    'js.status_none': 'No location set yet.',
    'js.status_point': 'Point at {}, {}.',
    'js.status_line': 'Line with {} points.',
    'js.status_line|one': 'Line with {} point.',
    'js.status_polygon': 'Area with {} corners.',
    'js.status_polygon|one': 'Area with {} corner.',
    'js.need_line': 'A line needs at least 2 points.',
    'js.need_polygon': 'An area needs at least 3 corners.',
    'js.place_chosen': 'Place chosen: {}.',
    'js.removed': 'A contribution was removed.'
  };

  var messages = {};
  try {
    messages = JSON.parse(document.body.getAttribute('data-i18n') || '{}') || {};
  } catch (e) {
    messages = {};
  }

  // The server renders its messages without data, so placeholders arrive as
  // "<no value>"; fallbacks use "{}". Both are filled in order from values.
  var PLACEHOLDER = /<no value>|\{\{\s*\.\w+\s*\}\}|\{\}/;

  function i18n(key, values) {
    var s = messages[key];
    if (typeof s !== 'string' || s === '' || s === key) {
      s = (lang === 'en' ? EN[key] : DE[key]) || DE[key] || key;
    }
    if (values && values.length) {
      var rest = [];
      for (var i = 0; i < values.length; i++) {
        var v = String(values[i]);
        if (PLACEHOLDER.test(s)) {
          s = s.replace(PLACEHOLDER, function () { return v; });
        } else {
          rest.push(v);
        }
      }
      if (rest.length) {
        s = s + (/[:\s]$/.test(s) ? ' ' : ': ') + rest.join(', ');
      }
    }
    return s.replace(/\s+/g, ' ').trim();
  }

  // i18nN shows a count: the message's singular form ("KEY|one", sent by
  // the server for messages whose forms differ) for n = 1, else the plural.
  // values default to [n].
  function i18nN(key, n, values) {
    var one = key + '|one';
    var has = function (k) { return typeof messages[k] === 'string' && messages[k] !== '' && messages[k] !== k; };
    if (!values) { values = [n]; }
    if (n === 1 && (has(one) || (!has(key) && (lang === 'en' ? EN : DE)[one]))) {
      return i18n(one, values);
    }
    return i18n(key, values);
  }

  function h(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined && text !== null) { el.textContent = String(text); }
    return el;
  }

  function escapeHTML(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function safeKey(k) {
    return String(k || '').replace(/[^A-Za-z0-9_-]/g, '');
  }

  function fetchJSON(url, signal) {
    return fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', signal: signal })
      .then(function (r) {
        if (!r.ok) { throw new Error('HTTP ' + r.status + ' for ' + url); }
        return r.json();
      });
  }

  var liveRegion = null;
  var liveTimer = null;

  // announce speaks msg through one polite live region per page.
  function announce(msg) {
    if (!msg) { return; }
    if (!liveRegion) {
      liveRegion = document.getElementById('mitreden-live');
      if (!liveRegion) {
        liveRegion = h('p', 'sr-only');
        liveRegion.id = 'mitreden-live';
        liveRegion.setAttribute('aria-live', 'polite');
        (document.getElementById('main') || document.body).appendChild(liveRegion);
      }
    }
    liveRegion.textContent = '';
    if (liveTimer) { clearTimeout(liveTimer); }
    liveTimer = setTimeout(function () { liveRegion.textContent = msg; }, 60);
  }

  // baseLayer adds the tile layer configured on el (data-tiles,
  // data-attribution), else on body, else OpenStreetMap.
  function baseLayer(map, el) {
    var d = (el && el.dataset) || {};
    var b = document.body.dataset || {};
    var url = d.tiles || b.tiles || OSM_TILES;
    var attribution = d.attribution || b.attribution || OSM_ATTRIBUTION;
    return L.tileLayer(url, { attribution: escapeHTML(attribution), maxZoom: 19 }).addTo(map);
  }

  // addWMS lays the procedure's WMS overlay (settings.wms_url, wms_layers of
  // the procedure JSON) over the base layer of map. It returns the layer, or
  // null when there is none; calling it again replaces the earlier overlay.
  function addWMS(map, proc) {
    var s = (proc && proc.settings) || {};
    var url = typeof s.wms_url === 'string' ? s.wms_url.trim() : '';
    if (!map || !url || !L.tileLayer || typeof L.tileLayer.wms !== 'function') { return null; }
    // Only web addresses: a tile is an image, but keep odd schemes out.
    if (!/^(https?:)?\/\//i.test(url) && url.charAt(0) !== '/') { return null; }
    if (map._mitredenWMS) {
      map.removeLayer(map._mitredenWMS);
      map._mitredenWMS = null;
    }
    try {
      var layer = L.tileLayer.wms(url, {
        layers: typeof s.wms_layers === 'string' ? s.wms_layers : '',
        format: 'image/png',
        transparent: true,
        attribution: ''
      });
      // Added before the map has a view, the layer only joins on load.
      layer.on('add', function () { layer.bringToFront(); });
      layer.addTo(map);
      map._mitredenWMS = layer;
      return layer;
    } catch (e) {
      if (window.console && console.warn) { console.warn('Mitreden WMS:', e); }
      return null;
    }
  }

  // createMap shows el and turns it into a labelled, keyboard-usable map.
  function createMap(el, label, options) {
    var opts = { zoomControl: false };
    if (options) {
      for (var k in options) {
        if (Object.prototype.hasOwnProperty.call(options, k)) { opts[k] = options[k]; }
      }
    }
    el.hidden = false;
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', label || i18n('map.label'));
    var map;
    try {
      map = L.map(el, opts);
      L.control.zoom({ zoomInTitle: i18n('js.zoom_in'), zoomOutTitle: i18n('js.zoom_out') }).addTo(map);
      baseLayer(map, el);
    } catch (e) {
      el.hidden = true;
      throw e;
    }
    return map;
  }

  function pinIcon(category) {
    return L.divIcon({
      className: 'map-marker' + (category ? ' cat-' + safeKey(category) : ''),
      html: '<span class="marker-pin"></span>',
      iconSize: [22, 22],
      iconAnchor: [11, 11],
      popupAnchor: [0, -10],
      tooltipAnchor: [10, 0]
    });
  }

  function excerpt(text, n) {
    var chars = Array.from(String(text || '').replace(/\s+/g, ' ').trim());
    if (chars.length <= n) { return chars.join(''); }
    return chars.slice(0, n).join('').replace(/\s+\S*$/, '') + ' …';
  }

  function formatDate(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return ''; }
    try {
      return d.toLocaleDateString(lang === 'en' ? 'en-GB' : 'de-DE',
        { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Berlin' });
    } catch (e) {
      return d.toISOString().slice(0, 10);
    }
  }

  function boundsOf(geojson) {
    try {
      var b = L.geoJSON(geojson).getBounds();
      return b.isValid() ? b : null;
    } catch (e) {
      return null;
    }
  }

  /* ---------- home page: overview of all procedures ---------- */

  var STATUS_COLOURS = { running: '#1d6b2f', upcoming: PRIMARY, finished: '#4a4a4a' };

  function initOverview(el) {
    fetchJSON('/api/v1/procedures').then(function (data) {
      var procs = (data && data.procedures) || [];
      var drawable = procs.filter(function (p) { return p.area || (p.map && p.map.center); });
      if (!drawable.length) { return; }
      var map = createMap(el, i18n('map.label'), { scrollWheelZoom: false });
      var group = L.featureGroup().addTo(map);
      drawable.forEach(function (p) {
        var title = p.title || p.slug;
        var href = '/p/' + encodeURIComponent(p.slug);
        var layer;
        if (p.area) {
          var colour = STATUS_COLOURS[p.status] || PRIMARY;
          layer = L.geoJSON(p.area, { style: { color: colour, weight: 3, fillColor: colour, fillOpacity: 0.15 } });
        } else {
          layer = L.marker([p.map.center[1], p.map.center[0]], { icon: pinIcon(''), title: title, alt: title });
        }
        layer.bindTooltip(h('span', null, title), { sticky: true });
        layer.bindPopup(function () {
          var box = h('div', 'map-popup');
          var t = h('p', 'popup-title');
          var a = h('a', null, title);
          a.href = href;
          t.appendChild(a);
          box.appendChild(t);
          return box;
        });
        group.addLayer(layer);
      });
      var b = group.getBounds();
      if (b.isValid()) {
        map.fitBounds(b, { padding: [20, 20], maxZoom: 15 });
      } else {
        map.setView([51.16, 10.45], 6);
      }
    }).catch(function () {
      el.hidden = true;
    });
  }

  /* ---------- procedure page: contributions ---------- */

  var FILTER_KEYS = ['category', 'type', 'geometry', 'origin', 'q', 'sort'];

  function initProcedure(el) {
    var slug = el.getAttribute('data-slug');
    if (!slug) { return; }
    var base = '/api/v1/procedures/' + encodeURIComponent(slug);
    var page = new URLSearchParams(window.location.search);
    var filters = {};
    FILTER_KEYS.forEach(function (k) {
      var v = page.get(k);
      if (v) { filters[k] = v; }
    });

    var map = createMap(el, i18n('procedure.map'));
    var categories = {};
    var types = {};
    var layers = {};
    var points = typeof L.markerClusterGroup === 'function'
      ? L.markerClusterGroup({
        chunkedLoading: true,
        showCoverageOnHover: false,
        maxClusterRadius: 40,
        iconCreateFunction: function (cluster) {
          var n = cluster.getChildCount();
          var size = n < 10 ? 'small' : (n < 100 ? 'medium' : 'large');
          return L.divIcon({
            className: 'cluster-marker cluster-' + size,
            html: '<span class="cluster-icon"><span aria-hidden="true">' + n + '</span><span class="sr-only">' +
              escapeHTML(i18nN('js.cluster', n)) + '</span></span>',
            iconSize: [40, 40]
          });
        }
      })
      : L.featureGroup();
    var paths = L.featureGroup();
    // Server clusters (answers with "clustered": true) replace the features
    // while the viewport holds too many of them.
    var clusterLayer = L.featureGroup();
    var clustered = false;
    var inflight = null;
    var timer = null;

    function colourOf(key) {
      return (categories[key] && categories[key].colour) || PRIMARY;
    }

    function labelOf(key) {
      return (categories[key] && categories[key].label) || key || '';
    }

    function contributionURL(id) {
      return '/p/' + encodeURIComponent(slug) + '/contributions/' + encodeURIComponent(id);
    }

    // titleLink is the contribution's title as a link to its page.
    function titleLink(f) {
      var a = h('a', null, (f.properties || {}).title || '');
      a.href = contributionURL(f.id);
      return a;
    }

    // categoryMeta is the "● category · type" line of popups and cards.
    function categoryMeta(p) {
      var meta = h('p', 'meta');
      var dot = h('span', 'cat-dot');
      dot.setAttribute('aria-hidden', 'true');
      meta.appendChild(dot);
      meta.appendChild(document.createTextNode(labelOf(p.category) + (p.type && types[p.type] ? ' · ' + types[p.type] : '')));
      return meta;
    }

    function popupFor(f) {
      var p = f.properties || {};
      var box = h('div', 'map-popup cat-' + safeKey(p.category));
      var t = h('p', 'popup-title');
      t.appendChild(titleLink(f));
      box.appendChild(t);
      box.appendChild(categoryMeta(p));
      if (p.text) { box.appendChild(h('p', 'popup-excerpt', excerpt(p.text, 200))); }
      return box;
    }

    function addFeature(f) {
      if (!f || !f.id || !f.geometry || !f.geometry.type) { return; }
      if (layers[f.id]) { return; }
      var p = f.properties || {};
      var title = p.title || '';
      var layer;
      if (f.geometry.type === 'Point') {
        var c = f.geometry.coordinates;
        layer = L.marker([c[1], c[0]], { icon: pinIcon(p.category), title: title, alt: title, riseOnHover: true });
        layer.bindPopup(function () { return popupFor(f); });
        points.addLayer(layer);
      } else {
        var colour = colourOf(p.category);
        var line = f.geometry.type === 'LineString' || f.geometry.type === 'MultiLineString';
        layer = L.geoJSON(f.geometry, {
          style: { color: colour, weight: line ? 5 : 3, opacity: 0.9, fillColor: colour, fillOpacity: 0.25 }
        });
        layer.bindPopup(function () { return popupFor(f); });
        layer.bindTooltip(h('span', null, title), { sticky: true });
        paths.addLayer(layer);
      }
      layers[f.id] = layer;
    }

    function removeFeature(id) {
      var layer = layers[id];
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

    function clusterSize(n) {
      return n < 100 ? 'small' : (n < 1000 ? 'medium' : 'large');
    }

    // zoomToCluster shows the cluster's members: fitBounds on its bbox,
    // or zooming in on the point when the bbox is a point or missing.
    function zoomToCluster(ll, bbox) {
      var z = map.getZoom();
      var max = map.getMaxZoom();
      max = isFinite(max) ? max : 19;
      var ok = bbox && bbox.length === 4 && bbox.every(function (v) { return typeof v === 'number' && isFinite(v); });
      if (ok && (bbox[2] - bbox[0] > 1e-9 || bbox[3] - bbox[1] > 1e-9)) {
        var b = L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]);
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

    function clusterMarker(f) {
      var p = f.properties || {};
      var c = f.geometry && f.geometry.coordinates;
      if (!c || c.length < 2 || !isFinite(c[0]) || !isFinite(c[1])) { return null; }
      var n = parseInt(p.count, 10) || 0;
      var size = clusterSize(n);
      var label = n === 1 ? i18n('js.server_cluster_one') : i18n('js.server_cluster', [n]);
      var box = h('span', 'cluster-icon');
      var shown = h('span', null, n < 10000 ? String(n) : Math.floor(n / 1000) + 'k');
      shown.setAttribute('aria-hidden', 'true');
      box.appendChild(shown);
      box.appendChild(h('span', 'sr-only', label));
      var px = size === 'small' ? 36 : (size === 'medium' ? 44 : 52);
      var ll = L.latLng(c[1], c[0]);
      var marker = L.marker(ll, {
        icon: L.divIcon({ className: 'server-cluster server-cluster-' + size, html: box, iconSize: [px, px] }),
        title: label,
        alt: label,
        keyboard: true,
        riseOnHover: true
      });
      var activate = function () {
        var icon = marker.getElement();
        // The clusters are replaced after the move: keep keyboard focus
        // on the map instead of losing it to the page.
        if (icon && document.activeElement === icon) {
          try { map.getContainer().focus({ preventScroll: true }); } catch (e) { map.getContainer().focus(); }
        }
        zoomToCluster(ll, p.bbox);
      };
      marker.on('click', activate);
      // Leaflet 1.9 opens popups on Enter but does not click markers:
      // the focused cluster (role="button") answers Enter and Space.
      marker.on('add', function () {
        var icon = marker.getElement();
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

    function showClusters(features) {
      var focused = false;
      clusterLayer.eachLayer(function (m) {
        var icon = m.getElement && m.getElement();
        if (icon && icon === document.activeElement) { focused = true; }
      });
      clusterLayer.clearLayers();
      features.forEach(function (f) {
        if (!f || !f.properties || !f.properties.cluster) { return; }
        var m = clusterMarker(f);
        if (m) { clusterLayer.addLayer(m); }
      });
      if (focused) { map.getContainer().focus(); }
    }

    // render takes one viewport answer: clusters or features, and removes
    // the layers of the other kind.
    function render(fc) {
      var features = (fc && fc.features) || [];
      if (fc && fc.clustered === true) {
        if (!clustered) { clearFeatures(); }
        clustered = true;
        showClusters(features);
        return;
      }
      if (clustered) {
        clusterLayer.clearLayers();
        clustered = false;
      }
      features.forEach(addFeature);
    }

    function load() {
      if (inflight) { inflight.abort(); }
      var ctrl = typeof AbortController === 'function' ? new AbortController() : null;
      inflight = ctrl;
      var b = map.getBounds();
      var clamp = function (v, lo, hi) { return Math.max(lo, Math.min(hi, v)); };
      var q = new URLSearchParams();
      FILTER_KEYS.forEach(function (k) { if (filters[k]) { q.set(k, filters[k]); } });
      q.set('bbox', [
        clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
        clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)
      ].map(function (n) { return n.toFixed(6); }).join(','));
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

    function scheduleLoad() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(load, 250);
    }

    /* live updates */

    function matchesFilters(f) {
      var p = f.properties || {};
      if (filters.category && p.category !== filters.category) { return false; }
      if (filters.type && p.type !== filters.type) { return false; }
      if (filters.geometry) {
        var gt = f.geometry ? f.geometry.type : 'none';
        if (gt !== filters.geometry) { return false; }
      }
      if (filters.origin) {
        var o = p.origin || 'online';
        if (o !== filters.origin && o.indexOf(filters.origin + ':') !== 0) { return false; }
      }
      if (filters.q) {
        var hay = ((p.title || '') + ' ' + (p.text || '') + ' ' + (p.author_name || '')).toLowerCase();
        var terms = filters.q.toLowerCase().replace(/["*()^:+-]/g, ' ').split(/\s+/).filter(Boolean);
        for (var i = 0; i < terms.length; i++) {
          if (hay.indexOf(terms[i]) === -1) { return false; }
        }
      }
      return true;
    }

    function cardsFor(id) {
      var list = document.getElementById('cards');
      if (!list) { return []; }
      var suffix = '/contributions/' + id;
      return Array.prototype.filter.call(list.querySelectorAll('li.card'), function (li) {
        var a = li.querySelector('h3 a');
        var href = a ? a.getAttribute('href') || '' : '';
        return href.slice(-suffix.length) === suffix;
      });
    }

    function buildCard(f) {
      var p = f.properties || {};
      var li = h('li', 'card card-new cat-' + safeKey(p.category));
      li.setAttribute('data-id', f.id);
      var art = h('article');
      var h3 = h('h3');
      h3.appendChild(titleLink(f));
      art.appendChild(h3);
      var meta = categoryMeta(p);
      meta.appendChild(document.createTextNode(' · '));
      var time = h('time', null, formatDate(p.created_at || new Date().toISOString()));
      time.setAttribute('datetime', p.created_at || new Date().toISOString());
      meta.appendChild(time);
      if (p.author_name) { meta.appendChild(document.createTextNode(' · ' + p.author_name)); }
      art.appendChild(meta);
      art.appendChild(h('p', 'excerpt', p.text || ''));
      var counts = h('p', 'counts');
      var parts = [
        i18nN('card.up', p.rating_up || 0),
        i18nN('card.down', p.rating_down || 0),
        i18nN('card.comments', p.comment_count || 0)
      ];
      if (p.origin && p.origin !== 'online') { parts.push(i18n('card.origin_table')); }
      parts.forEach(function (text, i) {
        if (i) { counts.appendChild(document.createTextNode(' · ')); }
        counts.appendChild(h('span', null, text));
      });
      art.appendChild(counts);
      li.appendChild(art);
      return li;
    }

    function bumpCount(delta) {
      var count = document.getElementById('count');
      if (!count) { return; }
      var m = /^\s*(\d+)(?![\d.,]\d)/.exec(count.textContent);
      if (!m) { return; }
      var n = Math.max(0, parseInt(m[1], 10) + delta);
      count.textContent = i18nN('procedure.count', n);
    }

    function onCreated(f) {
      if (!f || !f.id || !matchesFilters(f)) { return; }
      removeFeature(f.id);
      // A clustered view shows counts of the last answer; the next move
      // brings the new contribution in.
      if (!clustered) { addFeature(f); }
      var list = document.getElementById('cards');
      var sort = filters.sort || 'newest';
      var title = (f.properties && f.properties.title) || '';
      if (list && sort === 'newest' && !cardsFor(f.id).length) {
        list.insertBefore(buildCard(f), list.firstChild);
        bumpCount(1);
      }
      announce(i18n('procedure.new', [title]));
    }

    // onRemoved takes a contribution off the map and the list: hidden,
    // withdrawn or merged (contribution.removed carries only id and status),
    // or no longer matching the filters after an edit.
    function onRemoved(d) {
      if (!d || !d.id) { return; }
      var had = removeFeature(d.id);
      var cards = cardsFor(d.id);
      cards.forEach(function (li) { li.parentNode.removeChild(li); });
      if (cards.length) { bumpCount(-1); }
      if (had || cards.length) { announce(i18n('js.removed')); }
    }

    function onUpdated(f) {
      if (!f || !f.id) { return; }
      var p = f.properties || {};
      if (!matchesFilters(f)) {
        onRemoved(f);
        return;
      }
      if (removeFeature(f.id) && !clustered) { addFeature(f); }
      cardsFor(f.id).forEach(function (li) {
        var a = li.querySelector('h3 a');
        if (a && p.title) { a.textContent = p.title; }
        var ex = li.querySelector('.excerpt');
        if (ex && typeof p.text === 'string') { ex.textContent = p.text; }
      });
    }

    // The stream (see store/events.go): contribution.created,
    // contribution.updated (the whole Feature) and contribution.removed
    // ({id, status}); comment events are not shown here.
    var lastEventId = '';
    var stream = null;
    function subscribe() {
      if (typeof window.EventSource !== 'function') { return; }
      var es;
      try {
        es = new EventSource(base + '/events' + (lastEventId ? '?last_event_id=' + encodeURIComponent(lastEventId) : ''));
      } catch (e) {
        return;
      }
      stream = es;
      var handle = function (fn) {
        return function (ev) {
          if (ev.lastEventId) { lastEventId = ev.lastEventId; }
          try { fn(JSON.parse(ev.data)); } catch (e) { /* ignore malformed events */ }
        };
      };
      es.addEventListener('contribution.created', handle(onCreated));
      es.addEventListener('contribution.updated', handle(onUpdated));
      es.addEventListener('contribution.removed', handle(onRemoved));
      // A refused stream (too many open on this device or on the server)
      // is closed for good by the browser: try again after a while.
      es.onerror = function () {
        if (es.readyState === 2 && stream === es) { setTimeout(subscribe, 30000); }
      };
    }
    window.addEventListener('pagehide', function () { if (stream) { stream.close(); stream = null; } });

    fetchJSON(base).then(function (proc) {
      (proc.categories || []).forEach(function (c) { categories[c.key] = c; });
      (proc.types || []).forEach(function (t) { types[t.key] = t.label; });
      return proc;
    }).catch(function () {
      return null;
    }).then(function (proc) {
      var areaBounds = null;
      addWMS(map, proc);
      if (proc && proc.area) {
        L.geoJSON(proc.area, {
          interactive: false,
          style: { color: PRIMARY, weight: 2, dashArray: '6 4', fillColor: PRIMARY, fillOpacity: 0.04 }
        }).addTo(map);
        areaBounds = boundsOf(proc.area);
      }
      if (proc && proc.map && proc.map.center && proc.map.center.length === 2) {
        map.setView([proc.map.center[1], proc.map.center[0]], proc.map.zoom || 15);
      } else if (areaBounds) {
        map.fitBounds(areaBounds, { padding: [10, 10] });
      } else {
        map.setView([51.16, 10.45], 6);
      }
      addAppointments(map, proc);
      paths.addTo(map);
      points.addTo(map);
      clusterLayer.addTo(map);
      load();
      map.on('moveend', scheduleLoad);
      subscribe();
    });

    window.Mitreden.procedureMap = map;
  }

  // addAppointments marks the procedure's appointments (workshops, walks)
  // on the map; each marker is focusable and opens date and address.
  function addAppointments(map, proc) {
    ((proc && proc.appointments) || []).forEach(function (a) {
      if (typeof a.lon !== 'number' || typeof a.lat !== 'number') { return; }
      var when = new Date(a.starts_at);
      var date = isNaN(when) ? '' : when.toLocaleString(lang === 'en' ? 'en-GB' : 'de-DE',
        { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Berlin' });
      var label = (a.title || '') + (date ? ' – ' + date : '');
      var marker = L.marker([a.lat, a.lon], {
        icon: L.divIcon({ className: 'appointment-marker', html: '<span class="appointment-pin"></span>', iconSize: [24, 24] }),
        title: label, alt: label, keyboard: true
      });
      var box = h('div', 'map-popup');
      box.appendChild(h('p', 'popup-title', a.title || ''));
      if (date) { box.appendChild(h('p', 'meta', date)); }
      if (a.address) { box.appendChild(h('p', null, a.address)); }
      marker.bindPopup(box);
      marker.addTo(map);
    });
  }

  /* ---------- contribution page: one geometry ---------- */

  function initDetail(el) {
    var geom = JSON.parse(el.getAttribute('data-geometry') || 'null');
    if (!geom || !geom.type) { return; }
    var map = createMap(el, i18n('map.label'), {
      dragging: false, scrollWheelZoom: false, boxZoom: false, touchZoom: true, doubleClickZoom: true
    });
    var colour = '';
    try { colour = getComputedStyle(el).getPropertyValue('--cat').trim(); } catch (e) { colour = ''; }
    colour = colour || PRIMARY;
    var layer = L.geoJSON(geom, {
      interactive: false,
      style: { color: colour, weight: 4, fillColor: colour, fillOpacity: 0.25 },
      pointToLayer: function (feature, latlng) {
        return L.marker(latlng, { icon: pinIcon(''), interactive: false, keyboard: false });
      }
    }).addTo(map);
    var b = layer.getBounds();
    if (b.isValid()) {
      map.fitBounds(b, { padding: [24, 24], maxZoom: 17 });
    }
    var slug = el.getAttribute('data-slug');
    if (slug) {
      fetchJSON('/api/v1/procedures/' + encodeURIComponent(slug)).then(function (proc) {
        addWMS(map, proc);
      }).catch(function () { /* the map works without the overlay */ });
    }
  }

  /* ---------- export and start ---------- */

  window.Mitreden = {
    lang: lang,
    i18n: i18n,
    i18nN: i18nN,
    baseLayer: baseLayer,
    addWMS: addWMS,
    createMap: createMap,
    announce: announce,
    fetchJSON: fetchJSON,
    pinIcon: pinIcon,
    h: h,
    boundsOf: boundsOf,
    PRIMARY: PRIMARY
  };

  function start(id, fn) {
    var el = document.getElementById(id);
    if (!el || typeof window.L === 'undefined') { return; }
    try {
      fn(el);
    } catch (e) {
      el.hidden = true;
      if (window.console && console.warn) { console.warn('Mitreden map:', e); }
    }
  }

  start('overview-map', initOverview);
  start('map', initProcedure);
  start('detail-map', initDetail);
})();
