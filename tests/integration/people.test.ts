import { randomBytes } from "node:crypto";
import { closeTestSql, createAccount, request, signIn, testSql, type TestAccount } from "../support/api";

afterAll(closeTestSql);

const PUBLIC_KEYS = ["avatar", "bio", "createdAt", "displayName", "id", "username"];
let viewer: TestAccount;
let cookie: string;

beforeAll(async () => {
  viewer = await createAccount();
  cookie = await signIn(viewer.username, viewer.password);
});

const token = () => randomBytes(4).toString("hex");

describe("GET /api/users/:username", () => {
  it("returns public fields only, for the username in any case", async () => {
    const other = await createAccount({ displayName: "Public Person" });
    for (const name of [other.username, other.username.toUpperCase()]) {
      const res = await request(`/api/users/${name}`, { cookie });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(Object.keys(body.user).sort()).toEqual(PUBLIC_KEYS);
      expect(body.user).toMatchObject({ id: other.id, username: other.username, displayName: "Public Person" });
      expect(JSON.stringify(body)).not.toContain(other.email);
    }
  });

  it("answers 404 for an absent or impossible username and 401 when signed out", async () => {
    for (const name of ["nobody_here_at_all", "bad%20name", "x".repeat(40)]) {
      const res = await request(`/api/users/${name}`, { cookie });
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("not_found");
    }
    expect((await request(`/api/users/${viewer.username}`)).status).toBe(401);
  });
});

describe("GET /api/users (directory)", () => {
  it("finds people by any part of the display name, in any case, with public fields only", async () => {
    const t = token();
    const a = await createAccount({ displayName: `Marguerite Q${t}x Yourcenar` });
    const res = await request(`/api/users?q=${encodeURIComponent(`q${t.toUpperCase()}X YOUR`)}`, { cookie });
    expect(res.status).toBe(200);
    const { users } = await res.json();
    expect(users.map((u: { id: string }) => u.id)).toEqual([a.id]);
    expect(Object.keys(users[0]).sort()).toEqual(PUBLIC_KEYS);
    expect(JSON.stringify(users)).not.toContain(a.email);
  });

  it("finds people by username prefix and substring", async () => {
    const t = token();
    const a = await createAccount({ username: `pre${t}_one` });
    const byPrefix = await (await request(`/api/users?q=PRE${t}`, { cookie })).json();
    expect(byPrefix.users.map((u: { id: string }) => u.id)).toEqual([a.id]);
    const bySubstring = await (await request(`/api/users?q=${t}_on`, { cookie })).json();
    expect(bySubstring.users.map((u: { id: string }) => u.id)).toEqual([a.id]);
  });

  it("treats % and _ in the query as plain characters", async () => {
    const { users } = await (await request(`/api/users?q=${encodeURIComponent("%")}`, { cookie })).json();
    expect(users).toEqual([]);
  });

  it("pages through every match exactly once", async () => {
    const t = token();
    const created = await Promise.all(Array.from({ length: 7 }, (_, i) => createAccount({ displayName: `Pager ${t} ${i}` })));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = `q=${t}&limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await request(`/api/users?${qs}`, { cookie });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { users: { id: string }[]; nextCursor: string | null };
      expect(body.users.length).toBeLessThanOrEqual(3);
      seen.push(...body.users.map((u) => u.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(created.map((c) => c.id)));
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=51", "limit"],
    ["limit=abc", "limit"],
    ["limit=2.5", "limit"],
    // a whole number in digits only: no empty value (once read as 0), hex, exponent or padding
    ["limit=", "limit"],
    ["limit=0x3", "limit"],
    ["limit=1e1", "limit"],
    ["limit=%203", "limit"],
    ["limit=3&limit=4", "limit"],
    ["q=a&q=b", "q"],
    ["cursor=!!!", "cursor"],
    [`cursor=${Buffer.from("NOT A USER").toString("base64url")}`, "cursor"],
    [`q=${"q".repeat(65)}`, "q"],
    ["role=admin", "role"],
  ])("refuses ?%s with 400 naming the field", async (qs, field) => {
    const res = await request(`/api/users?${qs}`, { cookie });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("bad_request");
    expect(error.fields).toHaveProperty(field);
  });

  it("is only for signed-in users", async () => {
    expect((await request("/api/users?q=a")).status).toBe(401);
  });

  it("uses the trigram indexes for substring search", async () => {
    const plans = await testSql().begin(async (sql) => {
      await sql`set local enable_seqscan = off`;
      const byName = await sql`explain select id from users where username like '%abc%'`;
      const byDisplay = await sql`explain select id from users where lower(display_name) like '%abc%'`;
      return [byName, byDisplay].map((rows) => rows.map((r) => r["QUERY PLAN"]).join("\n"));
    });
    expect(plans[0]).toContain("users_username_trgm");
    expect(plans[1]).toContain("users_display_name_trgm");
  });
});
