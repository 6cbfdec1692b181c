/**
 * Several Parley nodes on one database and one Redis, for the multi-node tests: start nodes, make
 * signed-in users on them, connect sockets, and leave the shared Redis as it was afterwards.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createClient } from "redis";
import { io, type Socket } from "socket.io-client";
import { freePort } from "@/db/embedded";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/contract";
import type { MessageView } from "@/lib/messages/types";
import { startServerProcess, type ServerProcess } from "./server-process";

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
export type Node = ServerProcess;
export interface NodeUser {
  id: string;
  username: string;
  cookie: string;
}

export const sharedRedisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const password = "two nodes one service";

/** A cluster of nodes sharing a data folder (hence secrets), the test database and a Redis prefix. */
export function nodeCluster(name: string) {
  const root = path.resolve(__dirname, "../..");
  const dataDir = path.join(root, ".data", `${name}-${process.pid}`);
  const prefix = `parley-test-${name}-${process.pid}-${Date.now()}:`;
  const nodes: Node[] = [];
  const sockets: Client[] = [];

  return {
    prefix,
    async startNode(env: Record<string, string> = {}): Promise<Node> {
      const node = await startServerProcess(await freePort(), {
        DATABASE_URL: process.env.PARLEY_TEST_DATABASE_URL,
        PARLEY_DATA_DIR: dataDir,
        REDIS_URL: sharedRedisUrl,
        REDIS_PREFIX: prefix,
        PRESENCE_TTL_MS: "3000",
        PRESENCE_REFRESH_MS: "1000",
        ...env,
      });
      nodes.push(node);
      return node;
    },
    connect(node: Node, cookie: string): Promise<Client> {
      const socket: Client = io(node.url, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false, forceNew: true });
      sockets.push(socket);
      return new Promise((resolve, reject) => {
        socket.once("connect", () => resolve(socket));
        socket.once("connect_error", reject);
      });
    },
    /** Disconnects every socket, stops every node and deletes this cluster's Redis keys. */
    async close(): Promise<void> {
      sockets.forEach((s) => s.disconnect());
      await Promise.all(nodes.map((n) => n.stop()));
      fs.rmSync(dataDir, { recursive: true, force: true });
      const redis = createClient({ url: sharedRedisUrl });
      await redis.connect();
      for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) if (keys.length) await redis.del(keys);
      await redis.quit();
    },
  };
}

export function json(node: Node, pathname: string, init: { method?: string; body?: unknown; cookie?: string } = {}) {
  return fetch(`${node.url}${pathname}`, {
    method: init.method ?? "GET",
    headers: { "content-type": "application/json", cookie: init.cookie ?? "" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

export async function signInAt(node: Node, login: string, pass = password): Promise<Response> {
  const csrfRes = await fetch(`${node.url}/api/auth/csrf`);
  const { csrfToken } = await csrfRes.json();
  return fetch(`${node.url}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") },
    body: new URLSearchParams({ login, password: pass, csrfToken, json: "true" }),
    redirect: "manual",
  });
}

export function sessionCookie(res: Response): string {
  return res.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="))!.split(";")[0];
}

/** Registers `name` (with a random suffix) on `node` and signs in there. */
export async function userOn(node: Node, name: string): Promise<NodeUser> {
  const username = `${name}_${randomUUID().slice(0, 8)}`;
  const res = await json(node, "/api/users", { method: "POST", body: { username, email: `${username}@example.test`, password, displayName: name } });
  const { user } = await res.json();
  return { id: user.id as string, username, cookie: sessionCookie(await signInAt(node, username)) };
}

/** Every message:new the socket receives from now on. */
export function collect(socket: Client): MessageView[] {
  const got: MessageView[] = [];
  socket.on("message:new", (m) => got.push(m));
  return got;
}
