/**
 * The read receipt's rule (components/chat/client/receipts.ts, issue 13, item 8): which message
 * carries it, who has read it, and that working it out costs one pass over the members and the
 * messages, not one per pair.
 */
import type { MemberView } from "@/lib/conversations/types";
import type { MessageView } from "@/lib/messages/types";
import { readReceipt } from "@/components/chat/client/receipts";
import { ADA, ME, message } from "@/tests/support/chat-fixtures";

const BOB = "66666666-6666-4666-8666-666666666666";
const CARA = "77777777-7777-4777-8777-777777777777";

function member(id: string, name: string, lastReadSeq: number): MemberView {
  return { id, username: name.toLowerCase(), displayName: name, avatar: null, role: "member", lastReadSeq, online: false };
}

/** Messages 1..n, from `senders[seq - 1]`. */
function timeline(...senders: (string | null)[]): MessageView[] {
  return senders.map((senderId, i) => message(i + 1, { senderId }));
}

const ids = (r: ReturnType<typeof readReceipt>) => r && { messageId: r.messageId, readers: r.readers.map((m) => m.displayName) };

describe("readReceipt", () => {
  it("is absent while nobody else has read anything, or one has sent nothing", () => {
    expect(readReceipt({ members: [member(ME, "Me", 9), member(ADA, "Ada", 0)] }, timeline(ME, ME), ME)).toBeNull();
    expect(readReceipt({ members: [member(ME, "Me", 3), member(ADA, "Ada", 3)] }, timeline(ADA, ADA, ADA), ME)).toBeNull();
    expect(readReceipt({ members: [member(ME, "Me", 0), member(ADA, "Ada", 3)] }, [], ME)).toBeNull();
  });

  it("sits under one's own newest message that the other has read, not a newer unread one nor theirs", () => {
    // 1 me, 2 Ada, 3 me, 4 Ada, 5 me; Ada has read up to 4
    const messages = timeline(ME, ADA, ME, ADA, ME);
    expect(ids(readReceipt({ members: [member(ME, "Me", 5), member(ADA, "Ada", 4)] }, messages, ME))).toEqual({ messageId: "m3", readers: ["Ada"] });
    // she reads on: it moves to the newest
    expect(ids(readReceipt({ members: [member(ME, "Me", 5), member(ADA, "Ada", 5)] }, messages, ME))).toEqual({ messageId: "m5", readers: ["Ada"] });
    // a read position past the end (edits take positions too) still means read
    expect(ids(readReceipt({ members: [member(ME, "Me", 5), member(ADA, "Ada", 9)] }, messages, ME))).toEqual({ messageId: "m5", readers: ["Ada"] });
  });

  it("never counts oneself: one's own read position (another tab) makes nothing seen", () => {
    expect(readReceipt({ members: [member(ME, "Me", 5), member(ADA, "Ada", 1)] }, timeline(ADA, ME, ME), ME)).toBeNull();
  });

  it("skips a deleted message for the newest own one still shown", () => {
    const messages = timeline(ME, ME, ME);
    messages[2] = { ...messages[2], body: "", deletedAt: "2026-03-01T12:00:00.000Z" };
    expect(ids(readReceipt({ members: [member(ME, "Me", 3), member(ADA, "Ada", 3)] }, messages, ME))?.messageId).toBe("m2");
  });

  it("in a group counts and names every other member who read that far, in member order", () => {
    // 1 me, 2 Bob, 3 me, 4 me
    const messages = timeline(ME, BOB, ME, ME);
    const members = [member(ME, "Me", 4), member(ADA, "Ada", 3), member(BOB, "Bob", 4), member(CARA, "Cara", 1)];
    // Bob read all: it sits under 4, and only Bob has read that far
    expect(ids(readReceipt({ members }, messages, ME))).toEqual({ messageId: "m4", readers: ["Bob"] });
    // Ada catches up: two of them
    members[1] = member(ADA, "Ada", 4);
    expect(ids(readReceipt({ members }, messages, ME))).toEqual({ messageId: "m4", readers: ["Ada", "Bob"] });
    // a member who left is no longer in the list: no longer counted
    expect(ids(readReceipt({ members: members.filter((m) => m.id !== BOB) }, messages, ME))).toEqual({ messageId: "m4", readers: ["Ada"] });
  });

  it("names nobody once the other person deleted the account (only oneself is left in the list)", () => {
    // a direct conversation with `peerDeleted`: the deleted account's messages stay, with senderId null
    expect(readReceipt({ members: [member(ME, "Me", 3)] }, timeline(ME, null, ME), ME)).toBeNull();
  });

  it("reads each member and each message a bounded number of times (members + messages, not their product)", () => {
    const memberCount = 1000;
    const messageCount = 5000;
    let memberReads = 0;
    let messageReads = 0;
    const members = Array.from({ length: memberCount }, (_, i) => {
      const m = member(i === 0 ? ME : `u${i}`, `User ${i}`, 0);
      const lastReadSeq = i === 0 ? messageCount : i % 2 ? 10 : 20;
      return Object.defineProperty(m, "lastReadSeq", {
        get: () => {
          memberReads++;
          return lastReadSeq;
        },
      });
    });
    // one's own messages are the first 30; everyone else wrote the rest
    const plain = Array.from({ length: messageCount }, (_, i) => message(i + 1, { senderId: i < 30 ? ME : ADA }));
    const messages = new Proxy(plain, {
      get(target, key, receiver) {
        if (typeof key === "string" && /^\d+$/.test(key)) messageReads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const r = readReceipt({ members }, messages, ME);
    expect(r?.messageId).toBe("m20");
    expect(r?.readers).toHaveLength(memberCount / 2 - 1); // the even ones, not oneself
    expect(memberReads).toBeLessThanOrEqual(2 * memberCount);
    expect(messageReads).toBeLessThanOrEqual(messageCount);
  });
});
