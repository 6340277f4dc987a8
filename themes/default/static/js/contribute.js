/* Mitreden – contribution form (form#contribute-form): the step-by-step
 * wizard and the drawing map. Without this script the form is one long
 * page with coordinate fields and a list of places; the server receives
 * the same field names either way.
 */
import { warn } from 'mitreden/util.js';
import { initWizard } from 'mitreden/wizard.js';
import { initDraw } from 'mitreden/draw.js';

const form = document.getElementById('contribute-form');
if (form) {
  const wizard = initWizard(form);
  try {
    initDraw(form, wizard);
  } catch (e) {
    warn('Mitreden draw:', e);
  }
}
