/* Mitreden – the planning area editor (form#area-form): the residents'
 * drawing map in polygon mode (draw, drag vertices, undo, keyboard under
 * the crosshair), writing GeoJSON into #geometry. Without this script the
 * page offers the GeoJSON field, a file upload and typed coordinates.
 */
import { warn } from 'mitreden/util.js';
import { initDraw } from 'mitreden/draw.js';

const form = document.getElementById('area-form');
if (form) {
  try {
    initDraw(form, null);
  } catch (e) {
    warn('Mitreden area:', e);
  }
}
