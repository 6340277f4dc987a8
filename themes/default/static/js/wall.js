// The wall: a projection of what comes in. New contributions arrive through
// the procedure's event stream and are put on top; everything is set as
// text, never as markup.
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

  var es = new EventSource('/api/v1/procedures/' + encodeURIComponent(root.getAttribute('data-slug')) + '/events');
  es.addEventListener('contribution.created', function (ev) {
    var f;
    try { f = JSON.parse(ev.data); } catch (e) { return; }
    var empty = document.getElementById('wall-empty');
    if (empty) { empty.remove(); }
    list.insertBefore(card(f), list.firstChild);
    while (list.children.length > max) { list.removeChild(list.lastChild); }
  });
})();
