/**
 * Text-field checks without zod (browser-safe): the composer and the dialogs run them before
 * sending, and the server's zod schemas are built on the very same functions (./validation
 * `checkedText`, `str`, `noMarkTower`), so a refusal reads word for word the same on either side and
 * the two cannot drift. Kept free of zod so that checking a message does not put a schema library
 * in the chat page's first-load JavaScript (docs/web-performance.md).
 *
 * Source: DESIGN.md "Text rules (all inputs, every transport)"; lengths in code points
 * (./text-length `textLength`, what zod's `.max` counts too).
 */
import { isWellFormed, nameProblem } from "./text";
import { longestMarkRun, markTowerMessage, MAX_MARK_RUN, textLength } from "./text-length";

/** What a check answers: the value as the server stores it (trimmed, normalised), or the first refusal. */
export type TextCheck = { success: true; data: string } | { success: false; message: string };

/**
 * The rules every text field starts with (DESIGN Text rules): well-formed Unicode (a lone surrogate
 * cannot be stored as sent) and no NUL (PostgreSQL text cannot hold it). Returns the refusal for
 * the field `what` ("Message", "Title"), or null.
 */
export function textProblem(value: string, what: string): string | null {
  if (!isWellFormed(value)) return `${what} must be well-formed Unicode text (it holds a lone surrogate)`;
  if (value.includes("\u0000")) return `${what} may not contain NUL characters`;
  return null;
}

/** More than MAX_MARK_RUN combining marks in a row ("zalgo"): the refusal for `what` ("A message", "Bio"), or null. */
export function markTowerProblem(value: string, what: string): string | null {
  return longestMarkRun(value) > MAX_MARK_RUN ? markTowerMessage(what) : null;
}

/** How one trimmed text field is checked, in this order, by {@link checkTrimmed}. */
export interface TrimmedRule {
  /** the field as the base refusals name it ("Message", "Title") */
  what: string;
  /** the most code points the value may hold before trimming (a cheap bound on what is read at all) */
  sentMax: number;
  /** normalise to NFC after trimming (names and titles, so "é" typed either way is one character) */
  nfc?: boolean;
  /** the refusal when nothing is left after trimming */
  required: string;
  /** the most code points after trimming (and normalising) */
  max: number;
  /** the refusal above `max` (and above `sentMax`) */
  tooLong: string;
  /** the field's own rules on the trimmed value: a refusal, or null */
  problem(value: string): string | null;
}

/**
 * Checks `value` by `rule`: the base rules ({@link textProblem}), at most `sentMax` code points as
 * sent, then trimmed (and NFC-normalised when `nfc`), not empty, at most `max` code points, and
 * the field's own `problem`. Answers the first refusal in that order, or the value as stored.
 */
export function checkTrimmed(value: string, rule: TrimmedRule): TextCheck {
  const base = textProblem(value, rule.what);
  if (base) return refuse(base);
  if (textLength(value) > rule.sentMax) return refuse(rule.tooLong);
  let stored = value.trim();
  if (rule.nfc) stored = stored.normalize("NFC");
  if (stored === "") return refuse(rule.required);
  if (textLength(stored) > rule.max) return refuse(rule.tooLong);
  const problem = rule.problem(stored);
  return problem ? refuse(problem) : { success: true, data: stored };
}

/** A refusal of a checked text field. */
function refuse(message: string): TextCheck {
  return { success: false, message };
}

/**
 * A name or title (display name, group title): trimmed, NFC-normalised, 1–`max` code points, and
 * DESIGN's name rules (./text `nameProblem`: no control, line-separator, bidi, private-use or
 * unassigned characters, something visible besides combining marks, no tower of marks).
 */
export function checkName(value: string, what: string, max: number, messages: { required: string; tooLong: string }): TextCheck {
  return checkTrimmed(value, { what, sentMax: 1000, nfc: true, max, ...messages, problem: (v) => nameProblem(v, what) });
}
