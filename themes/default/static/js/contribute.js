/* Mitreden – contribution form (form#contribute-form): the step-by-step
 * wizard and the drawing map. Without this script the form is one long
 * page with coordinate fields and a list of places; the server receives
 * the same field names either way.
 */
import { warn } from 'mitreden/util.js';
import { initWizard } from 'mitreden/wizard.js';
import { initDraw } from 'mitreden/draw.js';
import { initSimilar } from 'mitreden/similar.js';

const form = document.getElementById('contribute-form');
if (form) {
  const wizard = initWizard(form);
  if (wizard) {
    try {
      initSimilar(form);
    } catch (e) {
      warn('Mitreden similar:', e);
    }
  }
  try {
    initDraw(form, wizard);
    closeCoords();
  } catch (e) {
    warn('Mitreden draw:', e);
  }
}

// closeCoords folds the typed coordinates away once the map can take the
// place (they stay one click away; the map shows what they hold).
function closeCoords() {
  const box = document.getElementById('coords-box');
  if (!box || typeof window.L === 'undefined' || document.getElementById('geometry-error')) { return; }
  box.open = false;
}
