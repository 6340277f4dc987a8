/* Mitreden – live updates: a procedure's event stream (see store/events.go).
 *
 * subscribe opens the stream at url and hands each event's parsed data to
 * the handler of its type. After a reconnect the stream resumes from the
 * last event seen (last_event_id); a refused stream (too many open on this
 * device or on the server) is closed for good by the browser, so it is
 * tried again after a while. It returns a function that closes the stream.
 */
export function subscribe(url, handlers) {
  let lastEventId = '';
  let stream = null;
  function open() {
    if (typeof window.EventSource !== 'function') { return; }
    let es;
    try {
      es = new EventSource(url + (lastEventId ? '?last_event_id=' + encodeURIComponent(lastEventId) : ''));
    } catch {
      return;
    }
    stream = es;
    Object.keys(handlers).forEach(function (type) {
      es.addEventListener(type, function (ev) {
        if (ev.lastEventId) { lastEventId = ev.lastEventId; }
        try { handlers[type](JSON.parse(ev.data)); } catch { /* ignore malformed events */ }
      });
    });
    es.onerror = function () {
      if (es.readyState === 2 && stream === es) { setTimeout(open, 30000); }
    };
  }
  open();
  return function close() {
    if (stream) {
      stream.close();
      stream = null;
    }
  };
}
