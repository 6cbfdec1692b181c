/**
 * DESIGN Text rules on the socket (docs/text.md): every text in every client event refuses
 * ill-formed text with `{ ok: false, error: { code: "bad_request" } }` — never a crash, never
 * stored, never echoed back ill-formed — and message lengths are code points, exactly to the limit.
 */
import { randomUUID } from "node:crypto";
import { isWellFormed } from "@/lib/platform/text";
import { closeTestSql, testSql } from "../support/api";
import { chatUser, createGroup, send, type ChatUser } from "../support/chat";
import { closeAllSockets } from "../support/sockets";
import { EMOJI, ILL_FORMED } from "../support/text-samples";

jest.setTimeout(120_000);
afterAll(async () => {
  closeAllSockets();
  await closeTestSql();
});


let ada: ChatUser;
let bob: ChatUser;
let groupId: string;
let messageId: string;

beforeAll(async () => {
  [ada, bob] = await Promise.all([chatUser(), chatUser()]);
  groupId = (await createGroup(ada, "Socket text", [bob])).id;
  const first = await send(ada, groupId, "the one to edit");
  if (!first.ok) throw new Error("setup send failed");
  messageId = first.message.id;
});

async function stored() {
  return JSON.stringify(await testSql()`select id, seq, rev, body, edited_at, deleted_at from messages where conversation_id = ${groupId} order by seq`);
}

/** Every string of every client event, each given `bad` (payloads as a hostile client would send them). */
function events(bad: string): Array<[string, string, unknown]> {
  return [
    ["message:send body", "message:send", { conversationId: groupId, clientId: randomUUID(), body: bad }],
    ["message:send conversationId", "message:send", { conversationId: bad, clientId: randomUUID(), body: "fine" }],
    ["message:send clientId", "message:send", { conversationId: groupId, clientId: bad, body: "fine" }],
    ["message:send, an unknown key", "message:send", { conversationId: groupId, clientId: randomUUID(), body: "fine", [bad]: "x" }],
    ["message:edit body", "message:edit", { messageId, body: bad }],
    ["message:edit messageId", "message:edit", { messageId: bad, body: "fine" }],
    ["message:delete messageId", "message:delete", { messageId: bad }],
    ["sync since key", "sync", { since: { [bad]: 0 } }],
    ["conversation:read conversationId", "conversation:read", { conversationId: bad, seq: 1 }],
    ["typing conversationId", "typing", { conversationId: bad, typing: true }],
  ];
}

describe("ill-formed text in socket payloads", () => {
  it.each(ILL_FORMED)("%s is refused bad_request by every event, and nothing is stored", async (_what, bad) => {
    const before = await stored();
    for (const [input, event, payload] of events(bad)) {
      const ack = await ada.socket.timeout(10_000).emitWithAck(event as "sync", payload as { since: Record<string, number> });
      expect([input, ack]).toEqual([input, { ok: false, error: { code: "bad_request", message: expect.any(String) } }]);
      if (!ack.ok) expect([input, isWellFormed(ack.error.message)]).toEqual([input, true]);
    }
    expect(await stored()).toBe(before);
    expect(ada.socket.connected).toBe(true);
  });

  it("an unknown event named with ill-formed text is refused, and its name is not echoed back ill-formed", async () => {
    for (const [, bad] of ILL_FORMED) {
      const ack = (await (ada.socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<{ ok: boolean; error: { code: string; message: string } }> } })
        .timeout(10_000)
        .emitWithAck(`hello ${bad}`, {})) as { ok: false; error: { code: string; message: string } };
      expect(ack.ok).toBe(false);
      expect(ack.error.code).toBe("bad_request");
      expect(isWellFormed(ack.error.message)).toBe(true);
    }
  });
});

describe("message lengths over the socket are code points, at the exact boundaries", () => {
  it("sends 4000 emoji and refuses 4001; edits the same", async () => {
    const ok = await send(ada, groupId, EMOJI.repeat(4000));
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.message.body).toBe(EMOJI.repeat(4000));
    const over = await send(ada, groupId, EMOJI.repeat(4001));
    expect(over).toEqual({ ok: false, error: { code: "bad_request", message: "A message may be at most 4000 characters" } });

    const edit = (body: string) => ada.socket.timeout(10_000).emitWithAck("message:edit", { messageId: ok.message.id, body });
    expect(await edit("🇫🇷".repeat(2001))).toEqual({ ok: false, error: { code: "bad_request", message: "A message may be at most 4000 characters" } });
    const edited = await edit("🇫🇷".repeat(2000));
    expect(edited.ok).toBe(true);
    const [row] = await testSql()`select body from messages where id = ${ok.message.id}`;
    expect(row.body).toBe("🇫🇷".repeat(2000));
  });

  it("accepts 30 combining marks in a row and refuses 31, in sends and edits", async () => {
    const at = "Z" + "\u0336".repeat(30);
    const sent = await send(ada, groupId, at);
    expect(sent.ok).toBe(true);
    if (!sent.ok) return;
    expect(await send(ada, groupId, at + "\u0489")).toEqual({
      ok: false,
      error: { code: "bad_request", message: "A message may have at most 30 accents or other combining marks in a row" },
    });
    const edit = await ada.socket.timeout(10_000).emitWithAck("message:edit", { messageId: sent.message.id, body: `${at}\u0489 and more` });
    expect(edit.ok).toBe(false);
  });
});
