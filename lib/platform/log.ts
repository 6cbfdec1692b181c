/**
 * Server log lines that a client cannot forge or flood (OWASP Logging Cheat Sheet, "event data
 * sanitization"): one call prints exactly one line, every value is escaped JSON-style (CR, LF, other
 * control characters, Unicode line separators, bidi overrides, lone surrogates) and cut to a bounded
 * length, so a request-derived value can neither start a fake line nor grow the log without limit.
 */

/** Longest piece of one value kept, in UTF-16 code units; an error's stack gets STACK_MAX. */
export const LOG_VALUE_MAX = 1000;
const STACK_MAX = 4000;

// C0 and C1 controls, DEL, line/paragraph separators, bidi embeddings/overrides/isolates, BOM.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const SHORT_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeText(text: string, max: number, jsonAlready = false): string {
  let cut = text;
  let suffix = "";
  if (text.length > max) {
    // never split a surrogate pair at the cut
    const end = /[\ud800-\udbff]/.test(text[max - 1]) ? max - 1 : max;
    cut = text.slice(0, end);
    suffix = `…(+${text.length - end} chars)`;
  }
  const escaped = (jsonAlready ? cut : cut.replace(/\\/g, "\\\\")).replace(UNSAFE, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return escaped + suffix;
}

function describe(value: unknown): string {
  if (typeof value === "string") return escapeText(value, LOG_VALUE_MAX);
  if (value instanceof Error) {
    const stack = typeof value.stack === "string" && value.stack ? value.stack : `${value.name}: ${value.message}`;
    const cause = value.cause === undefined ? "" : ` cause=${describe(value.cause)}`;
    return escapeText(stack, STACK_MAX) + cause;
  }
  if (value === undefined || typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" || typeof value === "symbol" || value === null) {
    return escapeText(String(value), LOG_VALUE_MAX);
  }
  let json: string | undefined;
  try {
    const seen = new WeakSet<object>();
    json = JSON.stringify(value, (_key, v: unknown) => {
      if (v instanceof Error) return { name: v.name, message: v.message, stack: v.stack };
      if (typeof v === "bigint") return String(v);
      if (typeof v === "object" && v !== null) {
        if (seen.has(v)) return "[circular]";
        seen.add(v);
      }
      return v;
    });
  } catch {
    json = undefined;
  }
  // JSON already escapes backslashes, quotes and C0 controls; the rest is escaped the same way.
  return json === undefined ? escapeText(Object.prototype.toString.call(value), LOG_VALUE_MAX) : escapeText(json, LOG_VALUE_MAX, true);
}

/**
 * One log line as text, without the newline: `[tag] value value …`, each value made safe by the
 * rules above (strings escaped as-is, errors as their stack, anything else as JSON). Exported for
 * tests; the line is at most about (values × 6 × LOG_VALUE_MAX) characters long.
 */
export function formatLogLine(tag: string, values: unknown[]): string {
  return [`[${escapeText(tag, 64)}]`, ...values.map(describe)].join(" ");
}

type Sink = (line: string) => void;

/** Where lines go: stdout for info, stderr for warn and error (console, one string: no formatting). */
const sinks: Record<"info" | "warn" | "error", Sink> = {
  info: (line) => console.log(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
};

/**
 * The server's logger: `log.error("next-auth", code, metadata)` prints one line
 * `[next-auth] CODE {"…"}`. Use it for anything that may carry request-derived data.
 */
export const log = {
  info: (tag: string, ...values: unknown[]) => sinks.info(formatLogLine(tag, values)),
  warn: (tag: string, ...values: unknown[]) => sinks.warn(formatLogLine(tag, values)),
  error: (tag: string, ...values: unknown[]) => sinks.error(formatLogLine(tag, values)),
};

/** What a periodic job reports to `outageLog`. */
export interface OutageLog {
  /** a try failed: the first failure of an outage is logged (warn), the rest only counted */
  failed(err: unknown): void;
  /** a try worked: after an outage, one line says the job works again and how many tries failed */
  worked(): void;
}

/**
 * Logs a periodic job's failures once per outage, not once per try: the search indexer retries every
 * 200 ms, so a database that is down for a minute would otherwise print 300 lines. `what` names the
 * job in both lines ("indexing", "refreshing presence"); the error goes as its message only.
 */
export function outageLog(tag: string, what: string): OutageLog {
  let failures = 0;
  return {
    failed(err) {
      if (failures++ === 0) log.warn(tag, `${what} failed (retried; logged again when it works):`, err instanceof Error ? err.message : String(err));
    },
    worked() {
      if (failures > 0) log.info(tag, `${what} works again after ${failures} failed ${failures === 1 ? "try" : "tries"}`);
      failures = 0;
    },
  };
}
