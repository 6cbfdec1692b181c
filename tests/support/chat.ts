/** Helpers for messaging tests: signed-in users with sockets, conversations made over HTTP. */
import { randomUUID } from "node:crypto";
import type { ConversationView } from "@/lib/conversations/types";
import type { MessageView } from "@/lib/messages/types";
import { closeTestSql, createAccount, request, signIn, testSql, type TestAccount } from "./api";
import { useBrowser } from "./browser";
import { closeAllSockets, connected, connectSocket, type ClientSocket } from "./sockets";

export interface ChatUser extends TestAccount {
  cookie: string;
  socket: ClientSocket;
  /** every message:new / message:updated this user's socket received, in arrival order */
  received: MessageView[];
}

export async function chatUser(overrides: Partial<TestAccount> = {}): Promise<ChatUser> {
  const acct = await createAccount(overrides);
  const cookie = await signIn(acct.username, acct.password);
  const socket = connectSocket(cookie);
  const received: MessageView[] = [];
  socket.on("message:new", (m) => received.push(m));
  socket.on("message:updated", (m) => received.push(m));
  await connected(socket);
  return { ...acct, cookie, socket, received };
}

export async function createGroup(owner: ChatUser, title: string, others: { id: string }[]): Promise<ConversationView> {
  const res = await request("/api/conversations", { method: "POST", cookie: owner.cookie, json: { kind: "group", title, memberIds: others.map((o) => o.id) } });
  if (res.status !== 201) throw new Error(`group creation failed: ${res.status} ${await res.text()}`);
  return (await res.json()).conversation;
}

export async function createDirect(a: ChatUser, b: { id: string }): Promise<ConversationView> {
  const res = await request("/api/conversations", { method: "POST", cookie: a.cookie, json: { kind: "direct", userId: b.id } });
  if (res.status !== 201 && res.status !== 200) throw new Error(`direct creation failed: ${res.status} ${await res.text()}`);
  return (await res.json()).conversation;
}

export function send(user: ChatUser, conversationId: string, body: string, clientId = randomUUID()) {
  return user.socket.timeout(10_000).emitWithAck("message:send", { conversationId, clientId, body });
}

/** Resolves once `predicate` holds, polling briefly; fails after `ms`. */
export async function eventually(predicate: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits a moment so that anything (wrongly) delivered would have arrived. */
export const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

/** The conversation's composer on a chat page. */
export const composerOf = (page: import("playwright-core").Page) => page.getByLabel("Message", { exact: true });

/** A conversation's row in the sidebar, by the text it shows. */
export const sidebarRow = (page: import("playwright-core").Page, title: string) => page.getByTestId("conversation-item").filter({ hasText: title });

/**
 * A browser for a chat test file, closed after it, with every test socket and the test database
 * connection closed too.
 */
export function useChatBrowser(): ReturnType<typeof useBrowser> {
  const browser = useBrowser();
  afterAll(async () => {
    closeAllSockets();
    await closeTestSql();
  });
  return browser;
}

/**
 * `n` messages from `sender` straight into the database (seq 1..n, a minute apart, starting `hoursAgo`
 * hours ago), and the conversation's end moved past them.
 */
export async function seedMessages(conversationId: string, sender: { id: string }, n: number, body: (i: number) => string, hoursAgo = 3): Promise<void> {
  const sql = testSql();
  const bodies = Array.from({ length: n }, (_, i) => body(i + 1));
  await sql`insert into messages (conversation_id, seq, rev, sender_id, client_id, body, created_at)
    select ${conversationId}, g, g, ${sender.id}, gen_random_uuid(), (${bodies}::text[])[g], now() - make_interval(hours => ${hoursAgo}) + g * interval '1 minute'
    from generate_series(1, ${n}) g`;
  await sql`update conversations set last_seq = ${n} where id = ${conversationId}`;
}
