import type { IncomingHttpHeaders } from "node:http";
import { appOrigin, believeForwardedHeaders, forwardedPairs, isCrossOrigin, isSameOrigin, serializedOrigin } from "@/lib/http/origin";
import { loadEnv } from "@/lib/platform/env";

describe("serializedOrigin", () => {
  it("is the RFC 6454 serialisation of an http(s) origin: lowercase, default port dropped", () => {
    expect(serializedOrigin("http://127.0.0.1:3000")).toBe("http://127.0.0.1:3000");
    expect(serializedOrigin("HTTPS://Chat.Example")).toBe("https://chat.example");
    expect(serializedOrigin("http://chat.example:80")).toBe("http://chat.example");
    expect(serializedOrigin("https://chat.example:443")).toBe("https://chat.example");
    expect(serializedOrigin("https://chat.example:80")).toBe("https://chat.example:80");
    expect(serializedOrigin("http://[::1]:3000")).toBe("http://[::1]:3000");
  });

  it("is null for opaque, malformed or non-origin values", () => {
    for (const value of ["null", "", "chat.example", "http://", "file:///etc/passwd", "data:text/html,x", "javascript:alert(1)", "ws://chat.example"]) {
      expect([value, serializedOrigin(value)]).toEqual([value, null]);
    }
    // a browser's Origin never carries credentials, a path, a query or a fragment
    for (const value of ["http://evil.example@chat.example", "http://chat.example/x", "http://chat.example?x", "http://chat.example#x", "http://a, http://b"]) {
      expect([value, serializedOrigin(value)]).toEqual([value, null]);
    }
  });
});

describe("appOrigin", () => {
  it("is NEXTAUTH_URL's origin when set, whatever the request says", () => {
    const headers = { host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http" };
    expect(appOrigin(headers, "https://chat.example/api/auth")).toBe("https://chat.example");
    expect(appOrigin(headers, "https://chat.example:443")).toBe("https://chat.example");
  });

  it("is http://Host without forwarding headers, default port dropped", () => {
    expect(appOrigin({ host: "127.0.0.1:3000" }, undefined)).toBe("http://127.0.0.1:3000");
    expect(appOrigin({ host: "chat.example:80" }, undefined)).toBe("http://chat.example");
    expect(appOrigin(new Headers({ host: "chat.example" }), undefined)).toBe("http://chat.example");
  });

  it("uses X-Forwarded-Host and X-Forwarded-Proto (already reduced to trusted values by server.ts)", () => {
    expect(appOrigin({ host: "10.0.0.2:3000", "x-forwarded-host": "chat.example", "x-forwarded-proto": "https" }, undefined)).toBe("https://chat.example");
    expect(appOrigin({ host: "chat.example:443", "x-forwarded-proto": "HTTPS" }, undefined)).toBe("https://chat.example");
    // anything but https is http
    expect(appOrigin({ host: "chat.example", "x-forwarded-proto": "gopher" }, undefined)).toBe("http://chat.example");
  });

  it("is null when the host is missing or is not a host", () => {
    expect(appOrigin({}, undefined)).toBeNull();
    for (const host of ["evil.example/path", "user@chat.example", "chat.example:port", "a b", ""]) expect([host, appOrigin({ host }, undefined)]).toEqual([host, null]);
    expect(appOrigin({ host: "x" }, "not a url")).toBeNull();
  });
});

describe("isSameOrigin", () => {
  const app = "http://127.0.0.1:3000";
  it("accepts exactly the app's scheme, host and port", () => {
    expect(isSameOrigin("http://127.0.0.1:3000", app)).toBe(true);
    expect(isSameOrigin("https://chat.example", "https://chat.example")).toBe(true);
    expect(isSameOrigin("https://chat.example:443", "https://chat.example")).toBe(true);
  });

  it("refuses another port, scheme or host, null, malformed, absent, and everything when the app origin is unknown", () => {
    for (const origin of ["http://127.0.0.1:3001", "https://127.0.0.1:3000", "http://localhost:3000", "http://127.0.0.1", "null", "garbage", "", null, undefined]) {
      expect([origin, isSameOrigin(origin, app)]).toEqual([origin, false]);
    }
    expect(isSameOrigin("http://127.0.0.1:3000", null)).toBe(false);
  });
});

describe("isCrossOrigin", () => {
  const prior = process.env.NEXTAUTH_URL;
  // The environment is parsed once per process: a change counts once loadEnv() settles it.
  beforeEach(() => {
    delete process.env.NEXTAUTH_URL;
    loadEnv();
  });
  afterAll(() => {
    if (prior === undefined) delete process.env.NEXTAUTH_URL;
    else process.env.NEXTAUTH_URL = prior;
    loadEnv();
  });

  it("is false without Origin (not a browser page of another origin) and for the app's own origin", () => {
    expect(isCrossOrigin({ host: "127.0.0.1:3000" })).toBe(false);
    expect(isCrossOrigin(new Headers({ host: "127.0.0.1:3000" }))).toBe(false);
    expect(isCrossOrigin({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" })).toBe(false);
  });

  it("is true for a sibling origin on the same site, the other scheme, null and malformed values", () => {
    for (const origin of ["http://127.0.0.1:3001", "https://127.0.0.1:3000", "http://evil.example", "null", "", "http://"]) {
      expect([origin, isCrossOrigin({ host: "127.0.0.1:3000", origin })]).toEqual([origin, true]);
    }
  });

  it("compares with NEXTAUTH_URL when set", () => {
    process.env.NEXTAUTH_URL = "https://chat.example";
    loadEnv();
    expect(isCrossOrigin({ host: "127.0.0.1:3000", origin: "https://chat.example" })).toBe(false);
    expect(isCrossOrigin({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" })).toBe(true);
  });
});

describe("forwardedPairs", () => {
  it("reads one RFC 7239 element: keys lowercased, quoted strings unquoted", () => {
    expect(forwardedPairs('for=192.0.2.60;Proto=https;host="chat.example:8443";by=203.0.113.43')).toEqual({
      for: "192.0.2.60",
      proto: "https",
      host: "chat.example:8443",
      by: "203.0.113.43",
    });
    expect(forwardedPairs('for="[2001:db8:cafe::17]:4711"; garbage; =x')).toEqual({ for: "[2001:db8:cafe::17]:4711" });
  });
});

describe("believeForwardedHeaders", () => {
  const sent = (): IncomingHttpHeaders => ({
    host: "10.0.0.2:3000",
    "x-forwarded-host": "evil.example, chat.example",
    "x-forwarded-proto": "http, https",
    "x-forwarded-port": "1, 443",
    forwarded: 'host=evil.example;proto=http, for=198.51.100.7;host="chat.example";proto=https',
    "x-forwarded-for": "6.6.6.6, 198.51.100.7",
  });

  it("removes every forwarding header when no proxy is trusted (TRUST_PROXY=0), keeping Host", () => {
    const headers = sent();
    believeForwardedHeaders(headers, 0);
    expect(headers).toEqual({ host: "10.0.0.2:3000", "x-forwarded-for": "6.6.6.6, 198.51.100.7" });
    expect(appOrigin(headers, undefined)).toBe("http://10.0.0.2:3000");
  });

  it("keeps only the entry the outermost trusted proxy wrote", () => {
    const headers = sent();
    believeForwardedHeaders(headers, 1);
    expect(headers).toMatchObject({
      "x-forwarded-host": "chat.example",
      "x-forwarded-proto": "https",
      "x-forwarded-port": "443",
      forwarded: 'for=198.51.100.7;host="chat.example";proto=https',
    });
    expect(appOrigin(headers, undefined)).toBe("https://chat.example");

    const two = sent();
    believeForwardedHeaders(two, 2);
    expect(two).toMatchObject({ "x-forwarded-host": "evil.example", "x-forwarded-proto": "http", forwarded: "host=evil.example;proto=http" });
  });

  it("trusts nothing from a list shorter than the trusted proxies", () => {
    const headers: IncomingHttpHeaders = { host: "chat.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", forwarded: "host=evil.example" };
    believeForwardedHeaders(headers, 2);
    expect(headers).toEqual({ host: "chat.example" });
  });

  it("takes host and proto from a trusted Forwarded element when X-Forwarded-Host/-Proto are absent", () => {
    const headers: IncomingHttpHeaders = { host: "10.0.0.2:3000", forwarded: 'for=1.2.3.4;host=evil.example, for=198.51.100.7;host="chat.example";proto=HTTPS' };
    believeForwardedHeaders(headers, 1);
    expect(headers).toMatchObject({ "x-forwarded-host": "chat.example", "x-forwarded-proto": "https" });
    expect(appOrigin(headers, undefined)).toBe("https://chat.example");
  });

  it("drops a trusted entry that is not a host, a scheme or a port", () => {
    const headers: IncomingHttpHeaders = { host: "chat.example", "x-forwarded-host": "evil.example/x", "x-forwarded-proto": "javascript", "x-forwarded-port": "80a" };
    believeForwardedHeaders(headers, 1);
    expect(headers).toEqual({ host: "chat.example" });
  });
});
