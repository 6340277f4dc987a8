/* Mitreden – the workshop table's on-screen keyboard (#kiosk-keyboard).
 *
 * It types into the text field last focused in scope: German, English and
 * Turkish layouts, shift, backspace, space, enter (a new line in a text
 * area, else the next field). A real keyboard keeps working beside it.
 * Keys are buttons with their names; the line above them (a live region
 * the keyboard is described by) says which field they type into. The
 * keyboard never covers that field: the panel ends above it (CSS) and the
 * field is scrolled into view.
 */
import { t } from 'mitreden/i18n.js';
import { h } from 'mitreden/util.js';

// Each layout: rows of keys, and the same rows with shift.
const LAYOUTS = {
  de: [['1234567890ß', '!"§$%&/()=?'], ['qwertzuiopü', 'QWERTZUIOPÜ'], ['asdfghjklöä', 'ASDFGHJKLÖÄ'], ['yxcvbnm,.-', 'YXCVBNM;:_']],
  en: [['1234567890-', '!@#$%^&*()_'], ['qwertyuiop', 'QWERTYUIOP'], ["asdfghjkl'", 'ASDFGHJKL"'], ['zxcvbnm,.?', 'ZXCVBNM;:!']],
  tr: [['1234567890-', "!'^+%&/()=_"], ['qwertyuıopğü', 'QWERTYUIOPĞÜ'], ['asdfghjklşi', 'ASDFGHJKLŞİ'], ['zxcvbnmöç.,', 'ZXCVBNMÖÇ:;']]
};

function isTextField(el) {
  if (!el || !el.tagName) { return false; }
  if (el.closest('.hp')) { return false; }
  if (el.tagName === 'TEXTAREA') { return true; }
  return el.tagName === 'INPUT' && (el.type === 'text' || el.type === 'search') && !el.readOnly;
}

function labelOf(field) {
  const l = field.id ? document.querySelector('label[for="' + field.id + '"]') : null;
  return ((l && l.textContent) || field.getAttribute('aria-label') || field.name || '').replace(/\s+/g, ' ').trim();
}

// initKeyboard wires root (the keyboard) to the text fields in scope; lang
// picks the first layout. It returns { hide }.
export function initKeyboard(root, scope, lang) {
  const keys = root.querySelector('#kiosk-kb-keys');
  const target = root.querySelector('#kiosk-kb-target');
  const layoutButtons = root.querySelectorAll('[data-layout]');
  let layout = LAYOUTS[lang] ? lang : 'de';
  let shift = false;
  let field = null;
  let shiftButton = null;
  const charButtons = [];

  function build() {
    keys.textContent = '';
    charButtons.length = 0;
    LAYOUTS[layout].forEach(function (row, r) {
      const line = h('div', 'kiosk-kb-row');
      if (r === 3) {
        shiftButton = key(t('js.kiosk_kb_shift'), 'shift', 'kiosk-kb-wide');
        shiftButton.setAttribute('aria-pressed', shift ? 'true' : 'false');
        line.appendChild(shiftButton);
      }
      Array.from(row[0]).forEach(function (ch, i) {
        const b = key('', 'char', null);
        b.dataset.lower = ch;
        b.dataset.upper = Array.from(row[1])[i] || ch;
        charButtons.push(b);
        line.appendChild(b);
      });
      if (r === 0) { line.appendChild(key(t('js.kiosk_kb_backspace'), 'backspace', 'kiosk-kb-wide')); }
      keys.appendChild(line);
    });
    const last = h('div', 'kiosk-kb-row');
    last.appendChild(key(t('js.kiosk_kb_space'), 'space', 'kiosk-kb-space'));
    last.appendChild(key(t('js.kiosk_kb_enter'), 'enter', 'kiosk-kb-wide'));
    last.appendChild(key(t('js.kiosk_kb_next'), 'next', 'kiosk-kb-wide'));
    keys.appendChild(last);
    label();
    layoutButtons.forEach(function (b) { b.setAttribute('aria-pressed', b.getAttribute('data-layout') === layout ? 'true' : 'false'); });
  }

  function key(text, action, cls) {
    const b = h('button', cls, text);
    b.type = 'button';
    b.dataset.action = action;
    return b;
  }

  // label shows the characters of the current shift state; the key's
  // text is its accessible name.
  function label() {
    charButtons.forEach(function (b) {
      const ch = shift ? b.dataset.upper : b.dataset.lower;
      b.textContent = ch;
      b.dataset.key = ch;
    });
    if (shiftButton) { shiftButton.setAttribute('aria-pressed', shift ? 'true' : 'false'); }
  }

  function fields() {
    return Array.from(scope.querySelectorAll('input, textarea')).filter(function (f) {
      return isTextField(f) && f.offsetParent !== null;
    });
  }

  // reveal keeps the field above the keyboard.
  function reveal() {
    if (!field) { return; }
    requestAnimationFrame(function () {
      if (!field) { return; }
      try { field.scrollIntoView({ block: 'nearest' }); } catch { field.scrollIntoView(); }
      const top = root.getBoundingClientRect().top;
      const r = field.getBoundingClientRect();
      if (r.bottom > top) {
        const box = field.closest('.kiosk-panel');
        if (box) { box.scrollTop += r.bottom - top + 16; }
      }
    });
  }

  function show(f) {
    field = f;
    target.textContent = t('js.kiosk_kb_types_into', [labelOf(f)]);
    root.hidden = false;
    document.body.classList.add('kiosk-kb-open');
    reveal();
  }

  function hide() {
    root.hidden = true;
    document.body.classList.remove('kiosk-kb-open');
  }

  // insert puts s in place of the field's selection, within maxlength,
  // and tells the page's scripts (input event).
  function insert(s) {
    if (!field) { return; }
    const v = field.value;
    let start = field.selectionStart, end = field.selectionEnd;
    if (start === null || start === undefined) { start = end = v.length; }
    const max = field.maxLength > 0 ? field.maxLength : Infinity;
    if (v.length - (end - start) + s.length > max) { return; }
    field.setRangeText(s, start, end, 'end');
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function backspace() {
    if (!field) { return; }
    const start = field.selectionStart, end = field.selectionEnd;
    if (start !== end) {
      field.setRangeText('', start, end, 'end');
    } else if (start > 0) {
      // A character outside the BMP is two code units.
      const cut = /[\uDC00-\uDFFF]/.test(field.value.charAt(start - 1)) && start > 1 ? 2 : 1;
      field.setRangeText('', start - cut, start, 'end');
    } else {
      return;
    }
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function next() {
    const all = fields();
    const i = all.indexOf(field);
    const n = i >= 0 ? all[i + 1] : null;
    if (n) {
      n.focus();
      show(n);
    } else {
      hide();
    }
  }

  function press(b) {
    const action = b.dataset.action;
    if (action === 'char') {
      insert(b.dataset.key);
      if (shift) {
        shift = false;
        label();
      }
    } else if (action === 'shift') {
      shift = !shift;
      label();
    } else if (action === 'backspace') {
      backspace();
    } else if (action === 'space') {
      insert(' ');
    } else if (action === 'enter') {
      if (field && field.tagName === 'TEXTAREA') { insert('\n'); } else { next(); }
    } else if (action === 'next') {
      next();
    }
    // Touch and mouse users keep typing where they were.
    if (field && document.activeElement !== field && root.contains(document.activeElement) && b.dataset.pointer === '1') {
      field.focus({ preventScroll: true });
    }
  }

  // A press on a key must not take the focus (and the caret) from the field.
  root.addEventListener('mousedown', function (e) {
    if (e.target.closest('button')) { e.preventDefault(); }
  });
  keys.addEventListener('pointerdown', function (e) {
    const b = e.target.closest('button');
    if (b) { b.dataset.pointer = '1'; }
  });
  keys.addEventListener('click', function (e) {
    const b = e.target.closest('button');
    if (!b || !keys.contains(b)) { return; }
    press(b);
    b.dataset.pointer = '';
  });
  layoutButtons.forEach(function (b) {
    b.addEventListener('click', function () {
      layout = b.getAttribute('data-layout');
      build();
    });
  });
  const hideButton = root.querySelector('#kiosk-kb-hide');
  if (hideButton) {
    hideButton.addEventListener('click', function () {
      hide();
      if (field) { field.focus({ preventScroll: true }); }
    });
  }
  scope.addEventListener('focusin', function (e) {
    if (isTextField(e.target)) { show(e.target); }
  });
  // Tapping the field again brings a hidden keyboard back.
  scope.addEventListener('pointerup', function (e) {
    if (isTextField(e.target) && root.hidden) { show(e.target); }
  });

  build();
  return { hide: hide };
}
