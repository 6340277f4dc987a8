/* Mitreden – the procedure page's map-first layout (#proc-app), once its
 * map works: on a wide screen the panel beside a map that fills the
 * window, on a narrow one a map view and a list view behind a switch
 * (two buttons with aria-pressed); the filters fold into a sheet there.
 * "Contribute here" takes the map's centre to the form. Without this
 * script the panel is the page and the map stays hidden.
 */
import { t, tn } from 'mitreden/i18n.js';
import { h, button, safeKey, labelSpan } from 'mitreden/util.js';

const WIDE = '(min-width: 64rem)';

function wide() {
  return !!(window.matchMedia && window.matchMedia(WIDE).matches);
}

// initView lays the page out around map (a Leaflet map in #map) and
// returns showDetail(proc, feature) for the panel.
export function initView(map) {
  const app = document.getElementById('proc-app');
  if (!app) { return function () {}; }
  app.classList.add('has-map');

  // The app fills the window below the header: its top is measured, as
  // the header's height depends on the title and the width.
  function fit() {
    const top = app.getBoundingClientRect().top + window.scrollY;
    app.style.setProperty('--app-top', Math.max(0, Math.round(top)) + 'px');
    const el = document.getElementById('map');
    if (el) {
      const mtop = el.getBoundingClientRect().top + window.scrollY;
      app.style.setProperty('--map-top', Math.max(0, Math.round(mtop)) + 'px');
    }
    map.invalidateSize();
  }

  const sw = document.getElementById('view-switch');
  const toMap = document.getElementById('view-map');
  const toList = document.getElementById('view-list');
  function setView(v) {
    app.setAttribute('data-view', v);
    if (toMap) { toMap.setAttribute('aria-pressed', v === 'map' ? 'true' : 'false'); }
    if (toList) { toList.setAttribute('aria-pressed', v === 'list' ? 'true' : 'false'); }
    if (v === 'map') { fit(); }
  }
  if (sw && toMap && toList) {
    sw.hidden = false;
    toMap.addEventListener('click', function () { setView('map'); });
    toList.addEventListener('click', function () { setView('list'); });
  }
  // A link to the list (#list, after filtering or "next page") opens the list view.
  setView(window.location.hash === '#list' ? 'list' : 'map');

  // On a phone the filters fold into a sheet unless they are in use.
  const sheet = document.getElementById('filter-sheet');
  if (sheet && !wide() && !/[?&](q|category|type|geometry|origin|answered|sort)=[^&]/.test(window.location.search)) {
    sheet.open = false;
  }

  const hereBox = document.getElementById('contribute-here-box');
  const here = document.getElementById('contribute-here');
  if (hereBox && here) {
    const base = here.getAttribute('href');
    const update = function () {
      const c = map.getCenter();
      here.setAttribute('href', base + '?lat=' + c.lat.toFixed(5) + '&lon=' + c.lng.toFixed(5));
    };
    map.on('moveend', update);
    map.whenReady(update);
    hereBox.hidden = false;
  }

  window.addEventListener('resize', fit);
  fit();
  return showDetail;
}

// showDetail shows a chosen contribution in the panel (wide screens; a
// narrow one has the map's pop-up). proc is as in cards.js.
function showDetail(proc, f) {
  const box = document.getElementById('panel-detail');
  if (!box || !wide() || !f) { return; }
  const p = f.properties || {};
  while (box.firstChild) { box.removeChild(box.firstChild); }
  box.className = 'panel-detail cat-' + safeKey(p.category);
  const title = h('h2', null, p.title || '');
  title.id = 'panel-detail-title';
  box.appendChild(title);
  const cat = proc.categories[p.category];
  const meta = h('p', 'meta');
  const dot = h('span', 'cat-dot');
  dot.setAttribute('aria-hidden', 'true');
  meta.appendChild(dot);
  meta.appendChild(labelSpan((cat && cat.label) || p.category || '', cat && cat.label_lang));
  box.appendChild(meta);
  if (p.answered) {
    const badge = h('p', 'answered');
    badge.appendChild(h('span', 'badge badge-answered', t('card.answered')));
    box.appendChild(badge);
  }
  box.appendChild(h('p', 'text', p.text || ''));
  box.appendChild(h('p', 'counts', [tn('card.up', p.rating_up || 0), tn('card.down', p.rating_down || 0),
    tn('card.comments', p.comment_count || 0)].join(' · ')));
  const more = h('a', null, t('js.panel_more'));
  more.href = '/p/' + encodeURIComponent(proc.slug) + '/contributions/' + encodeURIComponent(f.id);
  const links = h('p', 'panel-detail-actions');
  links.appendChild(more);
  const close = button('panel-detail-close', t('js.panel_close'), 'secondary');
  close.addEventListener('click', function () {
    box.hidden = true;
    const list = document.getElementById('list');
    if (list) { list.focus(); }
  });
  links.appendChild(close);
  box.appendChild(links);
  box.hidden = false;
  const panel = document.getElementById('panel');
  if (panel) { panel.scrollTop = 0; }
}
