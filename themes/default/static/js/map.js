/* Mitreden – maps (progressive enhancement), the entry of every page with
 * a map. It acts on what it finds:
 *   #overview-map  home page: procedure areas
 *   #map           procedure page: contributions of the viewport, live updates
 *   #detail-map    contribution page: the contribution's geometry
 * A map that fails is hidden and leaves the server-rendered page as it was.
 */
import { warn } from 'mitreden/util.js';
import { initOverview } from 'mitreden/overview.js';
import { initProcedure } from 'mitreden/procedure-map.js';
import { initDetail } from 'mitreden/detail.js';
import { initMore } from 'mitreden/cards.js';

function start(id, fn) {
  const el = document.getElementById(id);
  if (!el || typeof window.L === 'undefined') { return; }
  try {
    fn(el);
  } catch (e) {
    el.hidden = true;
    warn('Mitreden map:', e);
  }
}

start('overview-map', initOverview);
start('map', initProcedure);
start('detail-map', initDetail);

// The list's "load more" needs no map.
try {
  initMore();
} catch (e) {
  warn('Mitreden list:', e);
}
