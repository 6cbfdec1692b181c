import { clientAddressOf, entryFromOutermostProxy, splitForwardingList } from "@/lib/http/client-address";

describe("clientAddressOf", () => {
  it("is the TCP peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddressOf("10.0.0.5", "1.2.3.4", 0)).toBe("10.0.0.5");
  });

  it("is the entry the outermost trusted proxy appended", () => {
    expect(clientAddressOf("10.0.0.5", "6.6.6.6, 1.2.3.4", 1)).toBe("1.2.3.4");
    expect(clientAddressOf("10.0.0.5", "6.6.6.6, 1.2.3.4, 10.0.0.9", 2)).toBe("1.2.3.4");
    expect(clientAddressOf("10.0.0.5", ["6.6.6.6", "1.2.3.4"], 1)).toBe("1.2.3.4");
  });

  it("falls back to the peer when the chain is shorter than the trusted proxies or missing", () => {
    expect(clientAddressOf("10.0.0.5", "1.2.3.4", 2)).toBe("10.0.0.5");
    expect(clientAddressOf("10.0.0.5", undefined, 1)).toBe("10.0.0.5");
    expect(clientAddressOf("10.0.0.5", " , ", 1)).toBe("10.0.0.5");
  });
});

describe("entryFromOutermostProxy", () => {
  it("is the entry the outermost of n trusted proxies wrote: entries[length - n]", () => {
    expect(entryFromOutermostProxy(["client-wrote", "proxy-wrote"], 1)).toBe("proxy-wrote");
    expect(entryFromOutermostProxy(["client-wrote", "outer", "inner"], 2)).toBe("outer");
  });

  it("trusts nothing without trusted proxies, or when the list is shorter than the proxies", () => {
    expect(entryFromOutermostProxy(["only"], 0)).toBeUndefined();
    expect(entryFromOutermostProxy(["only"], 2)).toBeUndefined();
    expect(entryFromOutermostProxy([], 1)).toBeUndefined();
  });
});

describe("splitForwardingList", () => {
  it("splits, trims and drops empty entries; a repeated header is one list, in order", () => {
    expect(splitForwardingList(" a , b,,c ")).toEqual(["a", "b", "c"]);
    expect(splitForwardingList(["a, b", "c"])).toEqual(["a", "b", "c"]);
    expect(splitForwardingList(undefined)).toEqual([]);
    expect(splitForwardingList(null)).toEqual([]);
  });
});
