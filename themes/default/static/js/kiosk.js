// Workshop table: after a spell without input the page starts over, so the
// next person does not find the last one's words. Before that a dialog
// warns and offers to go on (WCAG 2.2.1: the time limit can be extended).
function init() {
  const root = document.querySelector('[data-idle]');
  const dialog = document.getElementById('idle-dialog');
  if (!root || !dialog) { return; }
  const idle = Math.max(1, parseInt(root.getAttribute('data-idle'), 10) || 120) * 1000;
  const warn = Math.min(20000, Math.floor(idle / 2));
  const reset = root.getAttribute('data-reset');
  const stay = document.getElementById('idle-stay');
  const count = document.getElementById('idle-count');
  let warnTimer, resetTimer, tick;

  function arm() {
    clearTimeout(warnTimer);
    clearTimeout(resetTimer);
    clearInterval(tick);
    dialog.hidden = true;
    warnTimer = setTimeout(warnNow, idle - warn);
  }
  function warnNow() {
    let left = Math.round(warn / 1000);
    count.textContent = String(left);
    dialog.hidden = false;
    stay.focus();
    tick = setInterval(function () {
      left -= 1;
      if (left >= 0) { count.textContent = String(left); }
    }, 1000);
    resetTimer = setTimeout(function () { window.location.replace(reset); }, warn);
  }
  ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart'].forEach(function (type) {
    document.addEventListener(type, arm, { passive: true });
  });
  stay.addEventListener('click', arm);
  arm();
}

init();
