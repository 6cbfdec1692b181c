/**
 * PATCH /api/conversations/:id/settings: one's own notification level in a conversation
 * (DESIGN.md, "Contract additions: Conversations"; docs/api.md). Validation, membership, privacy,
 * persistence. The live side (the caller's other tabs, nobody else) is in tests/realtime/mentions.test.ts.
 */
import { randomUUID } from "node:crypto";
import { closeTestSql, createAccount, request, signIn, testSql } from "../support/api";

afterAll(closeTestSql);

const signedIn = async () => {
  const acct = await createAccount();
  return { ...acct, cookie: await signIn(acct.username, acct.password) };
};
const patch = (cookie: string, id: string, body: unknown, headers: Record<string, string> = {}) =>
  request(`/api/conversations/${id}/settings`, { method: "PATCH", cookie, body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });
const stored = async (conversationId: string) =>
  Object.fromEntries((await testSql()`select user_id, notifications from members where conversation_id = ${conversationId}`).map((r) => [r.user_id, r.notifications]));

describe("PATCH /api/conversations/:id/settings", () => {
  it("sets the caller's own level, answers their view, keeps it, and shows it to nobody else", async () => {
    const [ada, bob] = await Promise.all([signedIn(), signedIn()]);
    const group = (await (await request("/api/conversations", { method: "POST", cookie: ada.cookie, json: { kind: "group", title: "Levels", memberIds: [bob.id] } })).json()).conversation;
    expect(group.notifications).toBe("all");

    for (const level of ["mentions", "none", "all", "none"] as const) {
      const res = await patch(ada.cookie, group.id, { notifications: level });
      expect(res.status).toBe(200);
      const { conversation } = await res.json();
      expect(conversation).toMatchObject({ id: group.id, notifications: level, title: "Levels" });
    }
    expect(await stored(group.id)).toEqual({ [ada.id]: "none", [bob.id]: "all" });
    // persisted: the list and the single view say so after the fact
    const list = (await (await request("/api/conversations", { cookie: ada.cookie })).json()).conversations;
    expect(list.find((c: { id: string }) => c.id === group.id).notifications).toBe("none");
    expect((await (await request(`/api/conversations/${group.id}`, { cookie: ada.cookie })).json()).conversation.notifications).toBe("none");
    // private: Bob's view carries his own level, and nothing of Ada's anywhere in it
    const bobView = await (await request(`/api/conversations/${group.id}`, { cookie: bob.cookie })).text();
    expect(JSON.parse(bobView).conversation.notifications).toBe("all");
    expect(bobView).not.toContain('"none"');
    expect(JSON.parse(bobView).conversation.members.every((m: object) => !("notifications" in m))).toBe(true);
  });

  it("refuses anything but { notifications: all | mentions | none } with 400, changing nothing", async () => {
    const [ada, bob] = await Promise.all([signedIn(), signedIn()]);
    const dm = (await (await request("/api/conversations", { method: "POST", cookie: ada.cookie, json: { kind: "direct", userId: bob.id } })).json()).conversation;
    const bad: unknown[] = [
      {},
      { notifications: "muted" },
      { notifications: "ALL" },
      { notifications: null },
      { notifications: 1 },
      { notifications: ["all"] },
      { notifications: "none", extra: true },
      '{"notifications":"none","__proto__":{"x":1}}',
      [],
      "none",
      null,
      "{not json",
    ];
    for (const body of bad) {
      const res = await patch(ada.cookie, dm.id, body);
      expect([body, res.status]).toEqual([body, 400]);
      const json = await res.json();
      expect(json.error.code).toBe("bad_request");
      expect(typeof json.error.message).toBe("string");
    }
    const unknown = await (await patch(ada.cookie, dm.id, { notifications: "none", muteUntil: 5 })).json();
    expect(unknown.error.fields).toEqual({ muteUntil: "Unknown field" });
    // not JSON at all
    const form = await request(`/api/conversations/${dm.id}/settings`, { method: "PATCH", cookie: ada.cookie, body: "notifications=none", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(form.status).toBe(400);
    expect(await stored(dm.id)).toEqual({ [ada.id]: "all", [bob.id]: "all" });
  });

  it("answers 404 to a non-member, to someone removed, for an unknown or malformed id; 401 signed out", async () => {
    const [ada, bob, eve] = await Promise.all([signedIn(), signedIn(), signedIn()]);
    const group = (await (await request("/api/conversations", { method: "POST", cookie: ada.cookie, json: { kind: "group", title: "Members only", memberIds: [bob.id] } })).json()).conversation;
    expect((await patch(eve.cookie, group.id, { notifications: "none" })).status).toBe(404);
    expect((await request(`/api/conversations/${group.id}/members/${bob.id}`, { method: "DELETE", cookie: ada.cookie })).status).toBe(200);
    const removed = await patch(bob.cookie, group.id, { notifications: "none" });
    expect(removed.status).toBe(404);
    expect(await removed.json()).toEqual({ error: { code: "not_found", message: "No such conversation" } });
    expect((await patch(ada.cookie, randomUUID(), { notifications: "none" })).status).toBe(404);
    expect((await patch(ada.cookie, "not-a-uuid", { notifications: "none" })).status).toBe(404);
    expect((await patch("", group.id, { notifications: "none" })).status).toBe(401);
    // another site's page cannot change it either
    expect((await patch(ada.cookie, group.id, { notifications: "none" }, { origin: "https://evil.example" })).status).toBe(403);
    expect(await stored(group.id)).toEqual({ [ada.id]: "all" });
    // GET and the other methods are not served here
    const get = await request(`/api/conversations/${group.id}/settings`, { cookie: ada.cookie });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("PATCH, OPTIONS");
  });
});
