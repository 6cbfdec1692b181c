/**
 * An account deleted while the members of a group it shares are sending: the group-commit batch
 * that holds the deleted user's sends must not fail everyone else's (a foreign-key violation inside
 * the batch answered every send in it `internal`). The deleted user's own in-flight sends are either
 * stored (before the deletion) or refused with a clear code — never `internal`.
 * Real concurrency: sends over sockets and the deletion over HTTP, at once, many rounds.
 */
import { randomUUID } from "node:crypto";
import { closeTestSql, request } from "../support/api";
import { chatUser, createGroup, type ChatUser } from "../support/chat";
import { closeAllSockets } from "../support/sockets";

jest.setTimeout(240_000);
afterAll(() => {
  closeAllSockets();
  return closeTestSql();
});

const ROUNDS = 50;
/**
 * What the deleted user's own sends may be answered: `unauthorized` (the account is gone, so is every
 * session), or "closed" (the deletion closed the socket before the answer left). Over HTTP: 201
 * (stored before the deletion) or 401.
 */
const CLEAR = /^(unauthorized|closed)$/;

type Ack = { ok: true } | { ok: false; error: { code: string; message: string } };

/**
 * `n` sends from `user`, one every `everyMs`, without waiting for answers; resolves with every
 * answer. A send still unanswered when the socket closes (the deletion disconnects it) is "closed";
 * none is emitted after that.
 */
async function sendStream(user: ChatUser, conversationId: string, n: number, everyMs: number): Promise<Ack[]> {
  const pending = new Set<(ack: Ack) => void>();
  const closed = () => {
    for (const answer of [...pending]) answer({ ok: false, error: { code: "closed", message: "socket closed" } });
  };
  user.socket.once("disconnect", closed);
  const acks: Promise<Ack>[] = [];
  for (let i = 0; i < n && user.socket.connected; i++) {
    acks.push(
      new Promise<Ack>((resolve) => {
        const answer = (ack: Ack) => {
          pending.delete(answer);
          resolve(ack);
        };
        pending.add(answer);
        user.socket.emit("message:send", { conversationId, clientId: randomUUID(), body: `m${i}` }, answer);
      }),
    );
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const all = await Promise.all(acks);
  user.socket.off("disconnect", closed);
  return all;
}

describe("an account deleted while its groups are busy", () => {
  it(`fails none of the others' sends, and answers the deleted user's own clearly (${ROUNDS} rounds)`, async () => {
    // bystanders rotate so each stays within the send limit (30 per 10 s)
    const pool = await Promise.all(Array.from({ length: 20 }, () => chatUser()));
    const leaverCodes = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const [b, c] = [pool[(round * 2) % pool.length], pool[(round * 2 + 1) % pool.length]];
      const leaver = await chatUser();
      const group = await createGroup(leaver, `Busy ${round}`, [b, c]);
      // the bystanders' sockets join the new room through conversation:new
      await new Promise((r) => setTimeout(r, 50));
      // the leaver and the bystanders send steadily through the deletion, so some batches hold both
      const results = await Promise.all([
        sendStream(leaver, group.id, 22, 6),
        Promise.all([sendStream(b, group.id, 3, 40), sendStream(c, group.id, 3, 40)]).then((x) => x.flat()),
        request("/api/me", { method: "DELETE", cookie: leaver.cookie, json: { password: leaver.password } }).then((r) => r.status),
        // the same user's sends over HTTP, spread across the deletion
        Promise.all(
          [0, 8, 16, 24, 32].map(async (ms) => {
            await new Promise((r) => setTimeout(r, ms));
            const res = await request(`/api/conversations/${group.id}/messages`, { method: "POST", cookie: leaver.cookie, json: { clientId: randomUUID(), body: `h${ms}` } });
            return { status: res.status, body: await res.text() };
          }),
        ),
      ]);
      const [leaverAcks, bystanderAcks, deleted, leaverPosts] = results;
      expect(deleted).toBe(204);
      for (const post of leaverPosts) {
        const code = post.status === 201 ? "http stored" : `http ${post.status}`;
        leaverCodes.set(code, (leaverCodes.get(code) ?? 0) + 1);
        expect([round, post.status === 201 || post.status === 401 ? "clear" : post]).toEqual([round, "clear"]);
      }
      for (const ack of bystanderAcks) expect([round, ack]).toEqual([round, expect.objectContaining({ ok: true })]);
      for (const ack of leaverAcks) {
        const code = ack.ok ? "stored" : ack.error.code;
        leaverCodes.set(code, (leaverCodes.get(code) ?? 0) + 1);
        if (!ack.ok) expect([round, ack.error.code]).toEqual([round, expect.stringMatching(CLEAR)]);
      }
    }
    console.log(`the deleted users' in-flight sends: ${JSON.stringify(Object.fromEntries(leaverCodes))}`);
  });
});
