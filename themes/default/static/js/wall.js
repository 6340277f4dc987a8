/* Mitreden – the wall: a projection of what comes in (wall.go). New
 * contributions arrive through the procedure's event stream: a pin on the
 * map, a card on top of the newest, shown at once; edits replace both,
 * removals (hidden, withdrawn, erased, merged) take both down; after each
 * the counters are asked again (counts.json). The newest rotate one at a
 * time every 8 s; where the reader prefers reduced motion (or pauses it)
 * they stand still as a list. Everything is set as text, never as markup.
 */
import { t } from 'mitreden/i18n.js';
import { announce, fetchJSON, h, safeKey, warn } from 'mitreden/util.js';
import { subscribe } from 'mitreden/live.js';
import { initWallMap } from 'mitreden/wall-map.js';

const ROTATE_MS = 8000;
const NEW_MS = 10000;

function byId(id) { return document.getElementById(id); }

// originLabel is a card's "where from", for other origins than online.
function originLabel(o) {
  const own = { letter: t('card.origin_letter'), phone: t('card.origin_phone'), paper: t('card.origin_paper'), import: t('card.origin_import') };
  return own[o] || t('card.origin_table');
}

function card(f, labels) {
  const p = f.properties || {};
  const li = h('li', 'card');
  if (/^[a-z0-9-]+$/.test(p.category || '')) { li.classList.add('cat-' + p.category); }
  li.appendChild(h('h3', '', p.title || ''));
  li.appendChild(h('p', 'wall-text', p.text || ''));
  li.appendChild(h('p', 'wall-meta', (labels[p.category] || p.category || '') +
    (p.origin && p.origin !== 'online' ? ' · ' + originLabel(p.origin) : '')));
  li.setAttribute('data-id', f.id || '');
  return li;
}

// initRotation shows the list's cards one at a time (class wall-current on
// it, wall-rotating on root) and moves on every ROTATE_MS; it stands still
// for prefers-reduced-motion and while paused. It returns
// { first(): show the top card and start the interval anew, keep(): keep
// showing a card after the list changed }.
function initRotation(root, list, pause) {
  const reduced = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;
  let index = 0;
  let timer = null;
  let paused = false;
  function show(i) {
    const items = list.children;
    index = items.length ? ((i % items.length) + items.length) % items.length : 0;
    for (let k = 0; k < items.length; k++) { items[k].classList.toggle('wall-current', k === index); }
  }
  function stop() {
    if (timer) { clearInterval(timer); }
    timer = null;
  }
  function sync() {
    const moving = !(reduced && reduced.matches);
    const on = moving && !paused;
    pause.hidden = !moving;
    pause.setAttribute('aria-pressed', paused ? 'true' : 'false');
    root.classList.toggle('wall-rotating', on);
    if (!on) { stop(); }
    if (on && !timer) { timer = setInterval(function () { show(index + 1); }, ROTATE_MS); }
    show(index);
  }
  pause.addEventListener('click', function () {
    paused = !paused;
    sync();
  });
  if (reduced && reduced.addEventListener) { reduced.addEventListener('change', sync); }
  sync();
  return {
    first: function () {
      stop();
      index = 0;
      sync();
    },
    keep: function () { show(index); }
  };
}

// initCounts keeps the counters current: refresh asks counts.json again
// (one request at a time; a change meanwhile asks once more after it).
function initCounts(root) {
  const url = root.getAttribute('data-counts');
  let busy = false;
  let again = false;
  function fill(ul, list, dots) {
    const items = [];
    (list || []).forEach(function (c) {
      const li = h('li');
      li.setAttribute('data-key', c.key);
      if (dots) {
        const dot = h('span', 'wall-dot cat-' + safeKey(c.key));
        dot.setAttribute('aria-hidden', 'true');
        li.appendChild(dot);
      }
      const label = h('span', 'wall-label', c.label);
      if (c.lang) { label.setAttribute('lang', c.lang); }
      li.appendChild(label);
      li.appendChild(document.createTextNode(' '));
      li.appendChild(h('strong', 'wall-n', c.n));
      items.push(li);
    });
    ul.replaceChildren.apply(ul, items);
  }
  function render(c) {
    if (!c) { return; }
    byId('wall-total').textContent = c.total_text || '';
    fill(byId('wall-by-category'), c.categories, true);
    fill(byId('wall-by-origin'), c.origins, false);
  }
  function refresh() {
    if (!url) { return; }
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetchJSON(url).then(render).catch(function (e) { warn('Mitreden wall:', e); }).then(function () {
      busy = false;
      if (again) {
        again = false;
        refresh();
      }
    });
  }
  return refresh;
}

function init() {
  const root = byId('wall');
  const list = byId('wall-list');
  if (!root || !list) { return; }
  document.body.classList.add('wall-live');
  let labels = {};
  try { labels = JSON.parse(root.getAttribute('data-labels') || '{}'); } catch { labels = {}; }
  const max = parseInt(root.getAttribute('data-max'), 10) || 12;
  const slug = root.getAttribute('data-slug') || '';
  const rotation = initRotation(root, list, byId('wall-pause'));
  const pins = initWallMap(byId('wall-map'), slug);
  const refresh = initCounts(root);
  // Now and then anyway: a stream that was down for a while misses nothing.
  setInterval(refresh, 60000);
  if (!window.EventSource) { return; }

  function cardOf(id) {
    const items = list.children;
    for (let i = 0; i < items.length; i++) {
      if (items[i].getAttribute('data-id') === id) { return items[i]; }
    }
    return null;
  }
  const withID = function (fn) {
    return function (data) {
      if (data && data.id) {
        fn(data);
        refresh();
      }
    };
  };

  // The stream (see store/events.go): contribution.created adds a card and
  // a pin, contribution.updated replaces them in place (an edit, a new
  // category), contribution.removed takes them down.
  let close = subscribe('/api/v1/procedures/' + encodeURIComponent(slug) + '/events', {
    'contribution.created': withID(function (f) {
      const empty = byId('wall-empty');
      if (empty) { empty.remove(); }
      const old = cardOf(f.id);
      if (old) { // seen before (a replay after reconnecting): keep its place
        list.replaceChild(card(f, labels), old);
        rotation.keep();
        if (pins) { pins.put(f, false); }
        return;
      }
      // wall-new marks what came in while the wall is open; wall-fresh
      // highlights it for a while.
      const li = card(f, labels);
      li.classList.add('wall-new', 'wall-fresh');
      setTimeout(function () { li.classList.remove('wall-fresh'); }, NEW_MS);
      list.insertBefore(li, list.firstChild);
      while (list.children.length > max) { list.removeChild(list.lastChild); }
      rotation.first();
      if (pins) { pins.put(f, true); }
      // The rotation is not a live region (it changes every 8 s): new
      // arrivals are announced on their own.
      announce(t('wall.arrived', [(f.properties || {}).title || '']));
    }),
    'contribution.updated': withID(function (f) {
      if (pins) { pins.put(f, false); }
      const old = cardOf(f.id);
      if (!old) { return; }
      const next = card(f, labels);
      ['wall-new', 'wall-fresh'].forEach(function (c) { if (old.classList.contains(c)) { next.classList.add(c); } });
      list.replaceChild(next, old);
      rotation.keep();
    }),
    'contribution.removed': withID(function (d) {
      if (pins) { pins.remove(d.id); }
      const old = cardOf(d.id);
      if (old) {
        list.removeChild(old);
        rotation.keep();
      }
    })
  });
  window.addEventListener('pagehide', function () { if (close) { close(); close = null; } });
}

try {
  init();
} catch (e) {
  warn('Mitreden wall:', e);
}
