/* Mitreden – how a contribution looks on the procedure page: its popup on
 * the map and its card in the list (#cards), and the filters of the list.
 *
 * proc is { slug, categories: {key: {label, label_lang, colour}}, types:
 * {key: label}, typeLang: {key: "de"}, planning: {key: label} } (planning:
 * the procedure's planning statuses; label_lang and typeLang mark German
 * labels standing in for the reader's language).
 */
import { t, tn, formatDate } from 'mitreden/i18n.js';
import { h, safeKey, excerpt, announce, labelSpan } from 'mitreden/util.js';

export const FILTER_KEYS = ['category', 'type', 'geometry', 'origin', 'planning_status', 'q', 'sort'];

// readFilters takes the list's filters from the page's query string.
export function readFilters(search) {
  const page = new URLSearchParams(search);
  const filters = {};
  FILTER_KEYS.forEach(function (k) {
    const v = page.get(k);
    if (v) { filters[k] = v; }
  });
  return filters;
}

// originLabel names where a contribution came from: a workshop table, a
// letter, a phone call, paper or an import.
function originLabel(o) {
  switch (o) {
    case 'letter': return t('card.origin_letter');
    case 'phone': return t('card.origin_phone');
    case 'paper': return t('card.origin_paper');
    case 'import': return t('card.origin_import');
    default: return t('card.origin_table');
  }
}

// matchesFilters reports whether the contribution f belongs in the list.
export function matchesFilters(filters, f) {
  const p = f.properties || {};
  if (filters.category && p.category !== filters.category) { return false; }
  if (filters.type && p.type !== filters.type) { return false; }
  if (filters.planning_status && p.planning_status !== filters.planning_status) { return false; }
  if (filters.geometry) {
    const gt = f.geometry ? f.geometry.type : 'none';
    if (gt !== filters.geometry) { return false; }
  }
  if (filters.origin) {
    const o = p.origin || 'online';
    if (o !== filters.origin && o.indexOf(filters.origin + ':') !== 0) { return false; }
  }
  if (filters.q) {
    const hay = ((p.title || '') + ' ' + (p.text || '') + ' ' + (p.author_name || '')).toLowerCase();
    const terms = filters.q.toLowerCase().replace(/["*()^:+-]/g, ' ').split(/\s+/).filter(Boolean);
    for (let i = 0; i < terms.length; i++) {
      if (hay.indexOf(terms[i]) === -1) { return false; }
    }
  }
  return true;
}

function labelOf(proc, key) {
  return (proc.categories[key] && proc.categories[key].label) || key || '';
}

function contributionURL(proc, id) {
  return '/p/' + encodeURIComponent(proc.slug) + '/contributions/' + encodeURIComponent(id);
}

// titleLink is the contribution's title as a link to its page.
function titleLink(proc, f) {
  const a = h('a', null, (f.properties || {}).title || '');
  a.href = contributionURL(proc, f.id);
  return a;
}

// categoryMeta is the "● category · type" line of popups and cards.
function categoryMeta(proc, p) {
  const meta = h('p', 'meta');
  const dot = h('span', 'cat-dot');
  dot.setAttribute('aria-hidden', 'true');
  meta.appendChild(dot);
  const cat = proc.categories[p.category];
  meta.appendChild(labelSpan(labelOf(proc, p.category), cat && cat.label_lang));
  if (p.type && proc.types[p.type]) {
    meta.appendChild(document.createTextNode(' · '));
    meta.appendChild(labelSpan(proc.types[p.type], (proc.typeLang || {})[p.type]));
  }
  return meta;
}

// planningBadge is the contribution's planning status as a badge, or null
// (the same markup as the server's partial "planningbadge").
export function planningBadge(proc, p) {
  const key = p.planning_status;
  const label = key && proc.planning && proc.planning[key];
  if (!label) { return null; }
  const badge = h('span', 'badge badge-planning planning-' + safeKey(key));
  badge.setAttribute('data-planning', key);
  badge.appendChild(h('span', 'sr-only', t('js.planning_label') + ': '));
  badge.appendChild(document.createTextNode(label));
  return badge;
}

// setPlanning shows the planning status of p on the card li (after a
// contribution.updated event).
export function setPlanning(proc, li, p) {
  const old = li.querySelector('p.planning');
  if (old) { old.parentNode.removeChild(old); }
  const badge = planningBadge(proc, p);
  const h3 = li.querySelector('h3');
  if (!badge || !h3) { return; }
  const para = h('p', 'planning');
  para.appendChild(badge);
  h3.parentNode.insertBefore(para, h3.nextSibling);
}

export function popupFor(proc, f) {
  const p = f.properties || {};
  const box = h('div', 'map-popup cat-' + safeKey(p.category));
  const head = h('p', 'popup-title');
  head.appendChild(titleLink(proc, f));
  box.appendChild(head);
  box.appendChild(categoryMeta(proc, p));
  const badge = planningBadge(proc, p);
  if (badge) {
    const para = h('p', 'planning');
    para.appendChild(badge);
    box.appendChild(para);
  }
  if (p.text) { box.appendChild(h('p', 'popup-excerpt', excerpt(p.text, 200))); }
  return box;
}

// cardsFor finds the list's cards of contribution id.
export function cardsFor(id) {
  const list = document.getElementById('cards');
  if (!list) { return []; }
  const suffix = '/contributions/' + id;
  return Array.prototype.filter.call(list.querySelectorAll('li.card'), function (li) {
    const a = li.querySelector('h3 a');
    const href = a ? a.getAttribute('href') || '' : '';
    return href.slice(-suffix.length) === suffix;
  });
}

export function buildCard(proc, f) {
  const p = f.properties || {};
  const li = h('li', 'card card-new cat-' + safeKey(p.category));
  li.setAttribute('data-id', f.id);
  const art = h('article');
  const h3 = h('h3');
  h3.appendChild(titleLink(proc, f));
  art.appendChild(h3);
  const badge = planningBadge(proc, p);
  if (badge) {
    const para = h('p', 'planning');
    para.appendChild(badge);
    art.appendChild(para);
  }
  const meta = categoryMeta(proc, p);
  meta.appendChild(document.createTextNode(' · '));
  const time = h('time', null, formatDate(p.created_at || new Date().toISOString()));
  time.setAttribute('datetime', p.created_at || new Date().toISOString());
  meta.appendChild(time);
  if (p.author_name) { meta.appendChild(document.createTextNode(' · ' + p.author_name)); }
  art.appendChild(meta);
  art.appendChild(h('p', 'excerpt', p.text || ''));
  const counts = h('p', 'counts');
  const parts = [
    tn('card.up', p.rating_up || 0),
    tn('card.down', p.rating_down || 0),
    tn('card.comments', p.comment_count || 0)
  ];
  if (p.origin && p.origin !== 'online') { parts.push(originLabel(p.origin)); }
  parts.forEach(function (text, i) {
    if (i) { counts.appendChild(document.createTextNode(' · ')); }
    counts.appendChild(h('span', null, text));
  });
  art.appendChild(counts);
  li.appendChild(art);
  return li;
}

// bumpCount changes the list's "N contributions" by delta.
export function bumpCount(delta) {
  const count = document.getElementById('count');
  if (!count) { return; }
  const m = /^\s*(\d+)(?![\d.,]\d)/.exec(count.textContent);
  if (!m) { return; }
  const n = Math.max(0, parseInt(m[1], 10) + delta);
  count.textContent = tn('procedure.count', n);
}

// initMore turns the list's "next page" link (#more) into "load more": the
// next page's cards are fetched as HTML (the server renders them, badges
// included), appended below the ones shown, the focus moves to the first
// new card and the number loaded is announced (util.announce: a polite live region). Without scripts the link
// stays a plain link to the next page.
export function initMore() {
  const more = document.getElementById('more');
  const list = document.getElementById('cards');
  if (!more || !list || typeof DOMParser !== 'function') { return; }
  more.textContent = t('js.more');
  more.setAttribute('role', 'button');
  let busy = false;

  function load() {
    if (busy) { return; }
    busy = true;
    more.setAttribute('aria-disabled', 'true');
    const url = more.href.split('#')[0];
    fetch(url, { headers: { Accept: 'text/html' }, credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.text();
    }).then(function (text) {
      const doc = new DOMParser().parseFromString(text, 'text/html');
      const added = [];
      doc.querySelectorAll('#cards > li.card').forEach(function (li) {
        const a = li.querySelector('h3 a');
        const href = a ? a.getAttribute('href') || '' : '';
        const id = href.slice(href.lastIndexOf('/') + 1);
        if (id && cardsFor(id).length) { return; }
        const node = document.importNode(li, true);
        list.appendChild(node);
        added.push(node);
      });
      const next = doc.getElementById('more');
      if (next && next.getAttribute('href')) {
        more.setAttribute('href', next.getAttribute('href'));
      } else {
        more.parentNode.removeChild(more);
      }
      busy = false;
      more.removeAttribute('aria-disabled');
      const first = added.length ? added[0].querySelector('h3 a') : null;
      if (first) { first.focus(); }
      announce(tn('js.more_loaded', added.length));
    }).catch(function () {
      busy = false;
      more.removeAttribute('aria-disabled');
      announce(t('js.more_failed'));
    });
  }

  more.addEventListener('click', function (ev) {
    if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) { return; }
    ev.preventDefault();
    load();
  });
  more.addEventListener('keydown', function (ev) {
    if (ev.key === ' ') {
      ev.preventDefault();
      load();
    }
  });
}
