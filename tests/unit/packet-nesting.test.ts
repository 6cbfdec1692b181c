import { nestsDeeperThan } from "@/lib/realtime/parser";

describe("nestsDeeperThan", () => {
  it("counts arrays and objects inside one another", () => {
    expect(nestsDeeperThan("[[[]]]", 3)).toBe(false);
    expect(nestsDeeperThan("[[[[]]]]", 3)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":{"b":[{}]}}', 3)).toBe(true);
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    expect(nestsDeeperThan(`["${"[".repeat(100)}"]`, 2)).toBe(false);
    expect(nestsDeeperThan(`["a\\"${"{".repeat(100)}"]`, 2)).toBe(false);
    expect(nestsDeeperThan(`["a\\\\",[[[]]]]`, 3)).toBe(true);
  });

  it("passes the protocol's real packets", () => {
    expect(nestsDeeperThan('2["sync",{"since":{"00000000-0000-0000-0000-000000000000":12}}]', 4)).toBe(false);
    expect(nestsDeeperThan('2["message:send",{"conversationId":"x","clientId":"y","body":"[[[[[[ not nesting ]]]]]]"}]', 4)).toBe(false);
  });
});
