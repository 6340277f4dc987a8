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

// lang is the page's language (the html element's lang: de, en, tr, ar,
// uk; "de" for Leichte Sprache); locale the one dates are written in.
export const lang = (document.documentElement.getAttribute('lang') || 'de').toLowerCase();
const locale = { de: 'de-DE', en: 'en-GB', tr: 'tr-TR', ar: 'ar-u-nu-latn', uk: 'uk-UA' }[lang] || lang;

// formatDecimal writes x with digits decimals as the page's language
// writes numbers ("53,55501" in German), without grouping, in Latin digits.
export function formatDecimal(x, digits) {
  try {
    return new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }).format(x);
  } catch {
    return Number(x).toFixed(digits);
  }
}

// plural names the plural category of a count in the page's language
// (CLDR: zero, one, two, few, many, other).
let plural = function (n) { return n === 1 ? 'one' : 'other'; };
try {
  const rules = new Intl.PluralRules(lang);
  plural = function (n) { return rules.select(n); };
} catch {
  // an old browser: one and other, as German and English have
}

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

// tn shows a count: the message's form for n's plural category in the
// page's language ("KEY|one", "KEY|few", …, sent by the server for the
// forms that differ from "other"), else the "other" form under KEY.
// values default to [n].
export function tn(key, n, values) {
  const form = key + '|' + plural(n);
  if (!values) { values = [n]; }
  if (has(form)) {
    return t(form, values);
  }
  return t(key, values);
}

// formatDate is an ISO time as a date in the page's language.
export function formatDate(iso) {
  const d = new Date(iso);
  if (isNaN(d.getTime())) { return ''; }
  try {
    return d.toLocaleDateString(locale,
      { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Berlin' });
  } catch {
    return d.toISOString().slice(0, 10);
  }
}

// formatDateTime is an ISO time as date and time in the page's language,
// or "" when it is not a time.
export function formatDateTime(iso) {
  const when = new Date(iso);
  return isNaN(when) ? '' : when.toLocaleString(locale,
    { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Berlin' });
}
