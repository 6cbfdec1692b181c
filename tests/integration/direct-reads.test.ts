/**
 * The hot reads server.ts answers before Next (lib/http/reads.ts): a GET of the conversation list, a
 * history page or the directory. A HEAD of the same URL still goes through Next's route handler, which
 * runs the same read: both must give the same status and headers, case by case (success, every kind of
 * refusal), and the GET's body is the documented one, with its exact Content-Length (Next's own answers
 * are chunked, so that header is what shows the answer did not come from Next).
 */
import { closeTestSql, createAccount, request, signIn } from "../support/api";
import { chatUser, createGroup, seedMessages, type ChatUser } from "../support/chat";

jest.setTimeout(60_000);
afterAll(closeTestSql);

/** The headers that say something about the answer (not the connection's or the clock's). */
function answerHeaders(res: Response): Record<string, string> {
  const skip = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length"]);
  return Object.fromEntries([...res.headers].filter(([name]) => !skip.has(name)));
}

describe("reads answered before Next", () => {
  let me: ChatUser;
  let groupId = "";
  let outsider = "";
  beforeAll(async () => {
    me = await chatUser();
    me.socket.disconnect();
    const other = await createAccount();
    const stranger = await createAccount();
    outsider = await signIn(stranger.username, stranger.password);
    const group = await createGroup(me, "Direct reads", [{ id: other.id }]);
    groupId = group.id;
    await seedMessages(groupId, me, 30, (i) => `direct read ${i}`);
  });

  const cases: Array<[string, () => string, () => string | undefined, number]> = [
    ["the list", () => "/api/conversations", () => me.cookie, 200],
    ["the list, signed out", () => "/api/conversations", () => undefined, 401],
    ["the list, a forged cookie", () => "/api/conversations", () => "next-auth.session-token=not-a-token", 401],
    ["a history page", () => `/api/conversations/${groupId}/messages?limit=10&before=20`, () => me.cookie, 200],
    ["a page around a position", () => `/api/conversations/${groupId}/messages?around=15&limit=5`, () => me.cookie, 200],
    ["history, upper-case id", () => `/api/conversations/${groupId.toUpperCase()}/messages?limit=3`, () => me.cookie, 200],
    ["history, escaped id", () => `/api/conversations/${encodeURIComponent(groupId).replace(/-/g, "%2D")}/messages?limit=3`, () => me.cookie, 200],
    ["history, not a member", () => `/api/conversations/${groupId}/messages`, () => outsider, 404],
    ["history, not an id", () => "/api/conversations/nope/messages", () => me.cookie, 404],
    ["history, around with before", () => `/api/conversations/${groupId}/messages?around=3&before=9`, () => me.cookie, 400],
    ["history, a bad limit", () => `/api/conversations/${groupId}/messages?limit=1000`, () => me.cookie, 400],
    ["history, a parameter twice", () => `/api/conversations/${groupId}/messages?before=3&before=4`, () => me.cookie, 400],
    ["history, signed out", () => `/api/conversations/${groupId}/messages`, () => undefined, 401],
    ["the directory", () => `/api/users?q=${encodeURIComponent(me.username.slice(0, 4))}`, () => me.cookie, 200],
    ["profiles by id", () => `/api/users?ids=${me.id}`, () => me.cookie, 200],
    ["profiles, a bad id", () => "/api/users?ids=zzz", () => me.cookie, 400],
    ["the directory, signed out", () => "/api/users?q=a", () => undefined, 401],
  ];

  it.each(cases)("%s: the same status and headers as Next's handler, the body with its exact length", async (_name, path, cookie, status) => {
    const direct = await request(path(), { cookie: cookie() });
    const viaNext = await request(path(), { method: "HEAD", cookie: cookie() });
    expect(direct.status).toBe(status);
    expect(viaNext.status).toBe(status);
    expect(answerHeaders(direct)).toEqual(answerHeaders(viaNext));
    const body = Buffer.from(await direct.arrayBuffer());
    expect(direct.headers.get("content-length")).toBe(String(body.length));
    const data = JSON.parse(body.toString("utf8"));
    if (status >= 400) expect(data.error.code).toBe({ 400: "bad_request", 401: "unauthorized", 404: "not_found" }[status]);
  });

  it("answers with what the reads return", async () => {
    const list = await (await request("/api/conversations", { cookie: me.cookie })).json();
    expect(list.conversations.map((c: { id: string }) => c.id)).toContain(groupId);
    const page = await (await request(`/api/conversations/${groupId}/messages?limit=10&before=20`, { cookie: me.cookie })).json();
    expect(page.messages.map((m: { seq: number }) => m.seq)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(page.hasMore).toBe(true);
    const around = await (await request(`/api/conversations/${groupId}/messages?around=15&limit=5`, { cookie: me.cookie })).json();
    expect(around.messages.map((m: { seq: number }) => m.seq)).toContain(15);
    expect(typeof around.hasMoreBefore).toBe("boolean");
    const found = await (await request(`/api/users?q=${encodeURIComponent(me.username)}`, { cookie: me.cookie })).json();
    expect(found.users.map((u: { id: string }) => u.id)).toContain(me.id);
    expect(JSON.stringify(found)).not.toMatch(/email|password/i);
  });

  it("leaves other methods and near paths to Next", async () => {
    // a trailing path segment, or a POST, is not a read: Next answers (405 in the error shape, 404)
    const post = await request("/api/conversations", { method: "DELETE", cookie: me.cookie });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toContain("GET");
    const near = await request(`/api/conversations/${groupId}/messages/x`, { cookie: me.cookie });
    expect(near.status).toBe(404);
  });
});
