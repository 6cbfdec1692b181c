/**
 * GET /api/search over HTTP (DESIGN.md, "Contract additions: Search"; docs/search.md): the answer's
 * shape, members only, the filters as a browser sends them (a day in the reader's zone from the `tz`
 * cookie), and every bad input a 400 in the error shape.
 */
import { randomUUID } from "node:crypto";
import { closeTestSql, createAccount, request, signIn, testSql } from "../support/api";

afterAll(closeTestSql);

const signedIn = async () => {
  const acct = await createAccount();
  return { ...acct, cookie: await signIn(acct.username, acct.password) };
};
const get = (cookie: string, query: string) => request(`/api/search?${query}`, { cookie });

describe("GET /api/search", () => {
  it("answers results newest first with message, conversation and highlight, for members only", async () => {
    const [ada, bob, eve] = await Promise.all([signedIn(), signedIn(), signedIn()]);
    const group = (await (await request("/api/conversations", { method: "POST", cookie: ada.cookie, json: { kind: "group", title: "Kayaks", memberIds: [bob.id] } })).json()).conversation;
    for (const body of ["Kayaking on Sunday?", "My kayak has a leak"]) {
      expect((await request(`/api/conversations/${group.id}/messages`, { method: "POST", cookie: ada.cookie, json: { clientId: randomUUID(), body } })).status).toBe(201);
    }
    const res = await get(bob.cookie, "q=kayaks");
    expect(res.status).toBe(200);
    const { results, nextCursor } = await res.json();
    expect(nextCursor).toBeNull();
    expect(results.map((r: { highlight: string }) => r.highlight)).toEqual(["My \u0002kayak\u0003 has a leak", "\u0002Kayaking\u0003 on Sunday?"]);
    expect(results[0].conversation).toEqual({ id: group.id, kind: "group", title: "Kayaks" });
    expect(results[0].message).toMatchObject({ conversationId: group.id, senderId: ada.id, body: "My kayak has a leak", kind: "text" });
    expect(JSON.stringify(results)).not.toMatch(/email|password|hash|"search"/i);
    expect((await (await get(eve.cookie, "q=kayaks")).json()).results).toEqual([]);
    const foreign = await get(eve.cookie, `q=kayaks&conversationId=${group.id}`);
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  it("reads a day in the reader's zone (tz cookie), else UTC", async () => {
    const ada = await signedIn();
    const group = (await (await request("/api/conversations", { method: "POST", cookie: ada.cookie, json: { kind: "group", title: "Zones", memberIds: [] } })).json()).conversation;
    const res = await request(`/api/conversations/${group.id}/messages`, { method: "POST", cookie: ada.cookie, json: { clientId: randomUUID(), body: "midnight marmot" } });
    const { message } = await res.json();
    // 2026-03-10 23:30 UTC is already 2026-03-11 in Tokyo (UTC+9)
    await testSql()`update messages set created_at = '2026-03-10T23:30:00Z' where id = ${message.id}`;
    const found = async (query: string, zone?: string) =>
      (await (await get(zone ? `${ada.cookie}; tz=${encodeURIComponent(zone)}` : ada.cookie, `q=marmot&${query}`)).json()).results.length;
    expect(await found("after=2026-03-10")).toBe(0);
    expect(await found("before=2026-03-11")).toBe(1);
    expect(await found("after=2026-03-10", "Asia/Tokyo")).toBe(1);
    expect(await found("before=2026-03-11", "Asia/Tokyo")).toBe(0);
    expect(await found("after=2026-03-10T23:00:00Z&before=2026-03-10T23:59:00%2B00:00")).toBe(1);
    expect(await found("after=2026-03-10", "Not/AZone")).toBe(0);
  });

  it.each([
    ["", "q"],
    ["q=-alone", "q"],
    [`q=${"word ".repeat(13)}`, "q"],
    [`q=${"x".repeat(201)}`, "q"],
    ["q=a&conversationId=nope", "conversationId"],
    ["q=a&from=not%20a%20name", "from"],
    ["q=a&before=2026-02-30", "before"],
    ["q=a&after=yesterday", "after"],
    ["q=a&before=1969-12-31", "before"],
    ["q=a&cursor=%FF%FE", null],
    ["q=a&cursor=bm90LWEtY3Vyc29y", "cursor"],
    ["q=a&limit=0", "limit"],
    ["q=a&limit=51", "limit"],
    ["q=a&q=b", "q"],
    ["q=a&sort=old", "sort"],
    ["q=%00", "q"],
    ["q=%ED%A0%80", null],
  ])("answers ?%s with 400 naming %s", async (query, field) => {
    const ada = await signedIn();
    const res = await get(ada.cookie, query);
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("bad_request");
    if (field) expect(Object.keys(error.fields ?? {})).toContain(field);
  });

  it("is for signed-in users only", async () => {
    const res = await request("/api/search?q=a");
    expect(res.status).toBe(401);
  });
});
