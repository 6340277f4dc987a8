/* Mitreden – the plan on the workshop table: the procedure's WMS plan
 * layers, each to switch on and off, and its plan variants to switch
 * between (shown large in the panel). The button #kiosk-plan appears only
 * when there is something to show.
 */
import { t } from 'mitreden/i18n.js';
import { button, fetchJSON, announce } from 'mitreden/util.js';

function wmsURL(proc) {
  const s = (proc && proc.settings) || {};
  const url = typeof s.wms_url === 'string' ? s.wms_url.trim() : '';
  if (!url || (!/^(https?:)?\/\//i.test(url) && url.charAt(0) !== '/')) { return ''; }
  return url;
}

// initPlan fills #kiosk-layers and #kiosk-variants for proc; it returns
// whether there is a plan to show.
export function initPlan(map, proc) {
  const layersBox = document.getElementById('kiosk-layers');
  const variantsBox = document.getElementById('kiosk-variants');
  const figure = document.getElementById('kiosk-variant');
  const caption = document.getElementById('kiosk-variant-caption');
  // The picture joins the page when a variant is chosen: an img without a
  // src is invalid HTML.
  const img = document.createElement('img');
  img.id = 'kiosk-variant-img';
  img.alt = '';
  figure.insertBefore(img, caption);
  const planButton = document.getElementById('kiosk-plan');
  let any = false;

  const url = wmsURL(proc);
  const names = url ? String((proc.settings || {}).wms_layers || '').split(',').map(function (s) { return s.trim(); }).filter(Boolean) : [];
  if (url && L.tileLayer && typeof L.tileLayer.wms === 'function') {
    (names.length ? names : ['']).forEach(function (name) {
      const layer = L.tileLayer.wms(url, { layers: name, format: 'image/png', transparent: true, attribution: '' }).addTo(map);
      if (!name || names.length < 2) { return; }
      const b = button(null, name, 'secondary');
      b.setAttribute('aria-pressed', 'true');
      b.addEventListener('click', function () {
        const on = b.getAttribute('aria-pressed') !== 'true';
        b.setAttribute('aria-pressed', on ? 'true' : 'false');
        if (on) { layer.addTo(map); } else { map.removeLayer(layer); }
      });
      layersBox.appendChild(b);
      any = true;
    });
  }

  fetchJSON('/api/v1/procedures/' + encodeURIComponent(proc.slug) + '/conceptions').then(function (r) {
    const list = (r && r.conceptions) || [];
    if (!list.length) { return; }
    const buttons = [];
    const choose = function (c, b) {
      buttons.forEach(function (x) { x.setAttribute('aria-pressed', x === b ? 'true' : 'false'); });
      if (!c) {
        figure.hidden = true;
        announce(t('js.kiosk_variant_none'));
        return;
      }
      img.src = c.image || '';
      img.alt = c.image_alt || '';
      caption.textContent = c.title || '';
      figure.hidden = !c.image;
      announce(c.title || '');
    };
    const none = button(null, t('js.kiosk_variant_none'), 'secondary');
    none.setAttribute('aria-pressed', 'true');
    none.addEventListener('click', function () { choose(null, none); });
    buttons.push(none);
    variantsBox.appendChild(none);
    list.forEach(function (c) {
      const b = button(null, c.title || c.key, 'secondary');
      b.setAttribute('aria-pressed', 'false');
      b.addEventListener('click', function () { choose(c, b); });
      buttons.push(b);
      variantsBox.appendChild(b);
    });
    planButton.hidden = false;
  }).catch(function () { /* no variants */ });

  if (any) { planButton.hidden = false; }
  return any;
}

