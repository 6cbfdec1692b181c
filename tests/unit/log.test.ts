import { authOptions } from "@/lib/http/next-auth";
import { formatLogLine, log, LOG_VALUE_MAX, outageLog } from "@/lib/platform/log";

/** Everything console.log / warn / error print while `fn` runs, as the text a terminal would get. */
function printed(fn: () => void): string {
  let out = "";
  const spies = (["log", "warn", "error"] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      out += `${args.map(String).join(" ")}\n`;
    }),
  );
  try {
    fn();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return out;
}

describe("log lines", () => {
  it("keeps a value with CR, LF and other control characters on one line, escaped JSON-style", () => {
    const line = formatLogLine("next-auth", ["CODE\r\n[parley] ready on http://evil", { message: "a\nb\u0000c\u001b[31m" }]);
    expect(line).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(line).toBe('[next-auth] CODE\\r\\n[parley] ready on http://evil {"message":"a\\nb\\u0000c\\u001b[31m"}');
  });

  it("escapes Unicode line separators, bidi overrides and lone surrogates", () => {
    const line = formatLogLine("t", ["a\u2028b\u2029c\u202ed\u2066e\ud800f\udc00g", "😀 stays"]);
    expect(line).toBe("[t] a\\u2028b\\u2029c\\u202ed\\u2066e\\ud800f\\udc00g 😀 stays");
  });

  it("escapes a backslash, so an escaped sequence cannot be faked", () => {
    expect(formatLogLine("t", ["\\n"])).toBe("[t] \\\\n");
  });

  it("cuts each value to a bounded length and says how much was cut", () => {
    const line = formatLogLine("t", ["x".repeat(10 * 1024 * 1024)]);
    expect(line.length).toBeLessThan(LOG_VALUE_MAX + 50);
    expect(line).toContain(`…(+${10 * 1024 * 1024 - LOG_VALUE_MAX} chars)`);
  });

  it("prints an error's stack as one line", () => {
    const out = printed(() => log.error("error", new Error("bad\r\ninput")));
    expect(out.split("\n").filter(Boolean)).toHaveLength(1);
    expect(out).toContain("Error: bad\\r\\ninput\\n    at ");
  });

  it("survives circular and BigInt values", () => {
    const loop: Record<string, unknown> = { n: 1n };
    loop.self = loop;
    expect(formatLogLine("t", [loop])).toBe('[t] {"n":"1","self":"[circular]"}');
  });

  it("is what next-auth's logger prints through: one line per call, whatever the code and metadata hold", () => {
    const out = printed(() => {
      authOptions.logger!.error!("CLIENT_FETCH_ERROR\r\n[parley] forged line" as never, { error: new Error("x\ny"), url: "/\r\nforged", huge: "z".repeat(1_000_000) } as never);
      authOptions.logger!.warn!("DEBUG_ENABLED\nforged" as never);
    });
    const lines = out.split("\n").filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[next-auth\] CLIENT_FETCH_ERROR\\r\\n\[parley\] forged line /);
    expect(lines[0].length).toBeLessThan(8000);
    expect(lines[1]).toBe("[next-auth] DEBUG_ENABLED\\nforged");
  });
});

describe("a periodic job's outage", () => {
  it("is logged once however many tries fail, once more when the job works again, and anew for the next outage", () => {
    const outage = outageLog("search", "indexing");
    const first = printed(() => {
      for (let i = 0; i < 300; i++) outage.failed(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
    });
    expect(first).toBe("[search] indexing failed (retried; logged again when it works): connect ECONNREFUSED 127.0.0.1:5432\n");
    const back = printed(() => {
      outage.worked();
      outage.worked();
    });
    expect(back).toBe("[search] indexing works again after 300 failed tries\n");
    const again = printed(() => {
      outage.failed("refused");
      outage.worked();
    });
    expect(again).toBe("[search] indexing failed (retried; logged again when it works): refused\n[search] indexing works again after 1 failed try\n");
  });
});
