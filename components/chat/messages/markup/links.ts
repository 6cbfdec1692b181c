/**
 * Links found in message text (GFM's "autolink literals", with the rules chosen for chat): `http://`
 * and `https://` URLs, `www.` addresses (opened as `http://…`, as GFM does) and e-mail addresses
 * (`mailto:`). Nothing else ever becomes a link: `javascript:`, `data:`, `ftp:` … stay text.
 *
 * Every scan here is linear: a URL candidate is given up after its first few characters or taken
 * whole (as a link, or as text when the browser's URL parser refuses it), and an e-mail address is
 * looked for only around an `@`, within the text since the last marker; so no character is read
 * again and again, whatever the text.
 */

/** One link in the text: `text` as typed, `href` the address it opens. */
export interface FoundLink {
  end: number;
  href: string;
  text: string;
}

/** Characters a URL stops at: whitespace, angle brackets, a double quote and a backtick (code). */
const URL_END = /[\s<>"`]/u;
/** Characters a URL never ends with (the sentence's punctuation, emphasis markers). */
const TRAILING = new Set(["?", "!", ".", ",", ":", ";", "*", "_", "~", "'"]);
const ALNUM = /[\p{L}\p{N}]/u;
/** What may stand right before a link: not part of a word, a host or another URL. */
const NOT_BEFORE = /[\p{L}\p{N}\p{M}./@\-:+&=%#?\\]/u;

/** Whether a link may start at `i`: at the start, or after a space or punctuation that is no part of an address. */
export function linkMayStartAt(s: string, i: number): boolean {
  return i === 0 || !NOT_BEFORE.test(s[i - 1]);
}

/** Cuts the sentence's punctuation and any closing bracket without a partner off the end of a URL. */
function trimUrl(s: string, start: number, end: number, minEnd: number): number {
  let open = 0;
  let close = 0;
  for (let k = start; k < end; k++) {
    if (s[k] === "(") open++;
    else if (s[k] === ")") close++;
  }
  while (end > minEnd) {
    const c = s[end - 1];
    if (TRAILING.has(c)) end--;
    else if (c === ")" && close > open) {
      close--;
      end--;
    } else break;
  }
  return end;
}

/**
 * A URL (`http(s)://…`) or `www.` address starting at `i`, or null. What follows the scheme (or
 * `www.`) must start with a letter or digit; the URL runs to a space (or `<`, `>`, `"`, a backtick), less trailing
 * punctuation. A URL the browser's parser refuses is returned with an empty `href`: the caller keeps
 * it as text and goes on after it.
 */
export function urlAt(s: string, i: number): FoundLink | null {
  const head = s.slice(i, i + 8).toLowerCase();
  const scheme = head.startsWith("https://") ? 8 : head.startsWith("http://") ? 7 : head.startsWith("www.") ? 0 : -1;
  if (scheme < 0) return null;
  const hostStart = i + (scheme === 0 ? 4 : scheme);
  if (hostStart >= s.length || !ALNUM.test(s[hostStart])) return null;
  let end = hostStart;
  while (end < s.length && !URL_END.test(s[end])) end++;
  end = trimUrl(s, i, end, hostStart + 1);
  const text = s.slice(i, end);
  return { end, text, href: scheme === 0 ? checkedHref(`http://${text}`) : checkedHref(text) };
}

/** The URL as typed when the browser's parser takes it as an http(s) URL, else "". */
function checkedHref(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? url : "";
  } catch {
    return "";
  }
}

const LOCAL_CHAR = /[A-Za-z0-9.+_-]/;
const DOMAIN_CHAR = /[A-Za-z0-9._-]/;

/**
 * The e-mail address around the `@` at `at` (its local part no further back than `from`), with a
 * `mailto:` typed before it included, or null. The domain needs a dot and ends on a letter or digit.
 */
export function emailAt(s: string, at: number, from: number): (FoundLink & { start: number }) | null {
  let start = at;
  while (start > from && LOCAL_CHAR.test(s[start - 1])) start--;
  if (start === at || (!linkMayStartAt(s, start) && s[start - 1] !== ":")) return null;
  let end = at + 1;
  while (end < s.length && DOMAIN_CHAR.test(s[end])) end++;
  while (end > at + 1 && /[._-]/.test(s[end - 1])) end--;
  const domain = s.slice(at + 1, end);
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*\.[A-Za-z0-9-]*[A-Za-z0-9]$/.test(domain)) return null;
  const mailto = start - 7 >= from && s.slice(start - 7, start).toLowerCase() === "mailto:" && linkMayStartAt(s, start - 7);
  if (!mailto && s[start - 1] === ":" && start > 0) return null;
  if (mailto) start -= 7;
  const text = s.slice(start, end);
  return { start, end, text, href: mailto ? `mailto:${text.slice(7)}` : `mailto:${text}` };
}
