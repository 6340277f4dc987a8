/* Mitreden – the back office's maps: the planning area editor
 * (form#area-form), a sub-area (form#subarea-form) and the appointment's
 * place (form#appointment-form).
 * Both are the residents' drawing map (polygon or point mode: draw, drag
 * vertices, undo, keyboard under the crosshair), writing GeoJSON into
 * #geometry and a point into #lat/#lon. Without this script the pages
 * offer the GeoJSON field, a file upload and typed coordinates.
 */
import { warn } from 'mitreden/util.js';
import { initDraw } from 'mitreden/draw.js';

const form = document.getElementById('area-form') || document.getElementById('subarea-form') || document.getElementById('appointment-form');
if (form) {
  try {
    initDraw(form, null);
  } catch (e) {
    warn('Mitreden area:', e);
  }
}
