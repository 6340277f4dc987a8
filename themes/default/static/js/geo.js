/* Mitreden – coordinates for the contribution form: rounding, spoken
 * numbers, typed numbers, whether a point lies in the planning area, and
 * the place a resident picked from the list of known places.
 */

import { formatDecimal } from 'mitreden/i18n.js';

export function round7(x) {
  return Math.round(x * 1e7) / 1e7;
}

// speak is a coordinate as read out and shown: five decimals, written as
// the page's language writes numbers (53,55501 in German).
export function speak(x) {
  return formatDecimal(Math.round(x * 1e5) / 1e5, 5);
}

// parseNumber reads a typed coordinate ("53,55" too); NaN when it is none.
export function parseNumber(s) {
  s = String(s || '').trim().replace(',', '.');
  if (!/^[-+]?\d+(\.\d+)?$/.test(s)) { return NaN; }
  return parseFloat(s);
}

// pointInRing: ray casting on [lon, lat] pairs.
function pointInRing(x, y, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
    if (((yi > y) !== (yj > y)) && (x < (xj - xi) * (y - yi) / (yj - yi) + xi)) { inside = !inside; }
  }
  return inside;
}

// pointInArea reports whether lon, lat lies in the (Multi)Polygon area.
export function pointInArea(lon, lat, area) {
  const polys = area.type === 'Polygon' ? [area.coordinates] : (area.type === 'MultiPolygon' ? area.coordinates : []);
  for (let i = 0; i < polys.length; i++) {
    const rings = polys[i];
    if (!rings.length || !pointInRing(lon, lat, rings[0])) { continue; }
    let inHole = false;
    for (let k = 1; k < rings.length; k++) {
      if (pointInRing(lon, lat, rings[k])) { inHole = true; break; }
    }
    if (!inHole) { return true; }
  }
  return false;
}

function normalisePlace(s) {
  return String(s || '').replace(/\s+/g, ' ').trim().toLowerCase();
}

// placeOption finds the place chosen in field: the selected option of a
// select, or the option of the field's datalist whose value is the typed
// text (exact: as typed, else ignoring case and surrounding blanks).
export function placeOption(field, exact) {
  if (field.tagName === 'SELECT') {
    const sel = field.options[field.selectedIndex];
    return sel && sel.value ? sel : null;
  }
  const value = field.value || '';
  if (!value.trim()) { return null; }
  const list = field.list || document.getElementById(field.getAttribute('list') || '') || document.getElementById('place-list');
  if (!list) { return null; }
  const opts = list.querySelectorAll('option');
  const want = normalisePlace(value);
  for (let i = 0; i < opts.length; i++) {
    const v = opts[i].value;
    if (exact ? v === value : normalisePlace(v) === want) { return opts[i]; }
  }
  return null;
}
