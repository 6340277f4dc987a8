/* Mitreden – the scripts' messages.
 *
 * Every message comes from the locale files: the server renders the ones
 * the scripts use into the body's data-i18n attribute (web.jsI18n, the list
 * jsMessages and every "js." key), in the reader's language (Leichte
 * Sprache included). Call t('key') and tn('key', n) with the key written
 * out: a test collects these calls and checks that every locale sends them.
 */

let messages = {};
try {
  messages = JSON.parse(document.body.getAttribute('data-i18n') || '{}') || {};
} catch {
  messages = {};
}

// lang is the page's language for dates: "en" or "de".
export const lang = (document.documentElement.getAttribute('lang') || 'de').toLowerCase().indexOf('en') === 0 ? 'en' : 'de';

// The server renders its messages without data, so placeholders arrive as
// "<no value>" (or "{}" in messages written for the scripts). Both are
// filled in order from values.
const PLACEHOLDER = /<no value>|\{\{\s*\.\w+\s*\}\}|\{\}/;

function has(k) {
  return typeof messages[k] === 'string' && messages[k] !== '' && messages[k] !== k;
}

// t returns the message key with values filled in; a message the server
// did not send shows as its key.
export function t(key, values) {
  let s = has(key) ? messages[key] : key;
  if (values && values.length) {
    const rest = [];
    for (let i = 0; i < values.length; i++) {
      const v = String(values[i]);
      if (PLACEHOLDER.test(s)) {
        s = s.replace(PLACEHOLDER, function () { return v; });
      } else {
        rest.push(v);
      }
    }
    if (rest.length) {
      s = s + (/[:\s]$/.test(s) ? ' ' : ': ') + rest.join(', ');
    }
  }
  return s.replace(/\s+/g, ' ').trim();
}

// tn shows a count: the message's singular form ("KEY|one", sent by the
// server for messages whose forms differ) for n = 1, else the plural.
// values default to [n].
export function tn(key, n, values) {
  const one = key + '|one';
  if (!values) { values = [n]; }
  if (n === 1 && has(one)) {
    return t(one, values);
  }
  return t(key, values);
}

// formatDate is an ISO time as a date in the page's language.
export function formatDate(iso) {
  const d = new Date(iso);
  if (isNaN(d.getTime())) { return ''; }
  try {
    return d.toLocaleDateString(lang === 'en' ? 'en-GB' : 'de-DE',
      { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Berlin' });
  } catch {
    return d.toISOString().slice(0, 10);
  }
}

// formatDateTime is an ISO time as date and time in the page's language,
// or "" when it is not a time.
export function formatDateTime(iso) {
  const when = new Date(iso);
  return isNaN(when) ? '' : when.toLocaleString(lang === 'en' ? 'en-GB' : 'de-DE',
    { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Berlin' });
}
