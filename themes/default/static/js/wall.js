// The wall: a projection of what comes in. New contributions arrive through
// the procedure's event stream and are put on top, edits replace their card
// and removals take it down; everything is set as text, never as markup.
import { subscribe } from 'mitreden/live.js';

function init() {
  const root = document.querySelector('.wall-wrap');
  const list = document.getElementById('wall-list');
  if (!root || !list || !window.EventSource) { return; }
  let labels = {};
  try { labels = JSON.parse(root.getAttribute('data-labels') || '{}'); } catch { labels = {}; }
  const tableLabel = root.getAttribute('data-table-label') || '';
  // originLabel: letter, phone, paper and import have their own label; table:N the table's.
  function originLabel(o) {
    const own = /^(letter|phone|paper|import)$/.test(o) ? root.getAttribute('data-' + o + '-label') : '';
    return own || tableLabel;
  }
  const max = 12;

  function card(f) {
    const p = f.properties || {};
    const li = document.createElement('li');
    li.className = 'card wall-new';
    if (/^[a-z0-9-]+$/.test(p.category || '')) { li.className += ' cat-' + p.category; }
    const h = document.createElement('h2');
    h.textContent = p.title || '';
    const t = document.createElement('p');
    t.textContent = p.text || '';
    const m = document.createElement('p');
    m.className = 'wall-meta';
    m.textContent = (labels[p.category] || p.category || '') + (p.origin && p.origin !== 'online' ? ' · ' + originLabel(p.origin) : '');
    li.appendChild(h);
    li.appendChild(t);
    li.appendChild(m);
    li.setAttribute('data-id', f.id || '');
    return li;
  }

  function cardOf(id) {
    const items = list.children;
    for (let i = 0; i < items.length; i++) {
      if (items[i].getAttribute('data-id') === id) { return items[i]; }
    }
    return null;
  }

  // The stream (see store/events.go): contribution.created adds a card,
  // contribution.updated replaces it in place (an edit, a new category),
  // contribution.removed takes it down (hidden, withdrawn, merged).
  const slug = encodeURIComponent(root.getAttribute('data-slug'));
  const withID = function (fn) {
    return function (data) { if (data && data.id) { fn(data); } };
  };
  subscribe('/api/v1/procedures/' + slug + '/events', {
    'contribution.created': withID(function (f) {
      const empty = document.getElementById('wall-empty');
      if (empty) { empty.remove(); }
      const old = cardOf(f.id);
      if (old) { // seen before (a replay after reconnecting): keep its place
        list.replaceChild(card(f), old);
        return;
      }
      list.insertBefore(card(f), list.firstChild);
      while (list.children.length > max) { list.removeChild(list.lastChild); }
    }),
    'contribution.updated': withID(function (f) {
      const old = cardOf(f.id);
      if (!old) { return; }
      const next = card(f);
      next.className = next.className.replace(' wall-new', '');
      list.replaceChild(next, old);
    }),
    'contribution.removed': withID(function (d) {
      const old = cardOf(d.id);
      if (old) { list.removeChild(old); }
    })
  });
}

init();
