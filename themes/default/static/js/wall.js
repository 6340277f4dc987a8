// The wall: a projection of what comes in. New contributions arrive through
// the procedure's event stream and are put on top, edits replace their card
// and removals take it down; everything is set as text, never as markup.
(function () {
  'use strict';
  var root = document.querySelector('.wall-wrap');
  var list = document.getElementById('wall-list');
  if (!root || !list || !window.EventSource) { return; }
  var labels = {};
  try { labels = JSON.parse(root.getAttribute('data-labels') || '{}'); } catch (e) { labels = {}; }
  var tableLabel = root.getAttribute('data-table-label') || '';
  var max = 12;

  function card(f) {
    var p = f.properties || {};
    var li = document.createElement('li');
    li.className = 'card wall-new';
    if (/^[a-z0-9-]+$/.test(p.category || '')) { li.className += ' cat-' + p.category; }
    var h = document.createElement('h2');
    h.textContent = p.title || '';
    var t = document.createElement('p');
    t.textContent = p.text || '';
    var m = document.createElement('p');
    m.className = 'wall-meta';
    m.textContent = (labels[p.category] || p.category || '') + (p.origin && p.origin !== 'online' ? ' · ' + tableLabel : '');
    li.appendChild(h);
    li.appendChild(t);
    li.appendChild(m);
    li.setAttribute('data-id', f.id || '');
    return li;
  }

  function cardOf(id) {
    var items = list.children;
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute('data-id') === id) { return items[i]; }
    }
    return null;
  }

  function parse(ev) {
    try { return JSON.parse(ev.data); } catch (e) { return null; }
  }

  // The stream (see store/events.go): contribution.created adds a card,
  // contribution.updated replaces it in place (an edit, a new category),
  // contribution.removed takes it down (hidden, withdrawn, merged).
  var lastId = '';
  var slug = encodeURIComponent(root.getAttribute('data-slug'));
  function connect() {
    var es = new EventSource('/api/v1/procedures/' + slug + '/events' + (lastId ? '?last_event_id=' + encodeURIComponent(lastId) : ''));
    function track(fn) {
      return function (ev) {
        if (ev.lastEventId) { lastId = ev.lastEventId; }
        var data = parse(ev);
        if (data && data.id) { fn(data); }
      };
    }
    es.addEventListener('contribution.created', track(function (f) {
      var empty = document.getElementById('wall-empty');
      if (empty) { empty.remove(); }
      var old = cardOf(f.id);
      if (old) { // seen before (a replay after reconnecting): keep its place
        list.replaceChild(card(f), old);
        return;
      }
      list.insertBefore(card(f), list.firstChild);
      while (list.children.length > max) { list.removeChild(list.lastChild); }
    }));
    es.addEventListener('contribution.updated', track(function (f) {
      var old = cardOf(f.id);
      if (!old) { return; }
      var next = card(f);
      next.className = next.className.replace(' wall-new', '');
      list.replaceChild(next, old);
    }));
    es.addEventListener('contribution.removed', track(function (d) {
      var old = cardOf(d.id);
      if (old) { list.removeChild(old); }
    }));
    // A refused stream (too many open on this device, or on the server) is
    // closed for good by the browser: try again after a while.
    es.onerror = function () {
      if (es.readyState === 2) { setTimeout(connect, 30000); }
    };
  }
  connect();
})();
