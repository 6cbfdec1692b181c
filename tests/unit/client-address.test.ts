import { clientAddressOf } from "@/lib/client-address";

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
