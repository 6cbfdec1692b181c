/**
 * A stand-in for the chat client's socket, scripted by the test: it records what the client emits
 * (with the acknowledgement callbacks, for the test to answer) and fires server events on demand.
 * Passed to the client as its `connect`, so nothing mocks socket.io-client.
 */
import type { ChatSocket } from "@/components/chat/client/socket";

type Handler = (...args: unknown[]) => void;

export interface Emitted {
  event: string;
  payload: unknown;
  ack?: (...args: unknown[]) => void;
}

export class ScriptedSocket {
  connected = false;
  /** false: socket.io-client would not reconnect on its own (a refusal by a server middleware) */
  active = true;
  emitted: Emitted[] = [];
  connects = 0;
  disconnects = 0;
  private handlers = new Map<string, Handler[]>();
  io = { on: () => {}, removeAllListeners: () => {} };
  on(event: string, fn: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
    return this;
  }
  removeAllListeners() {
    this.handlers.clear();
  }
  disconnect() {
    this.disconnects++;
    this.connected = false;
  }
  connect() {
    this.connects++;
  }
  emit(event: string, payload: unknown, ack?: Handler) {
    this.emitted.push({ event, payload, ack });
  }
  timeout() {
    return {
      emit: (event: string, payload: unknown, ack: Handler) => this.emitted.push({ event, payload, ack }),
      emitWithAck: (event: string, payload: unknown) =>
        new Promise((resolve, reject) => this.emitted.push({ event, payload, ack: (err: unknown, res: unknown) => (err ? reject(err) : resolve(res)) })),
    };
  }
  /** the server side: fire a server event (connect, disconnect, message:new, …) */
  fire(event: string, ...args: unknown[]) {
    if (event === "connect") this.connected = true;
    if (event === "disconnect") this.connected = false;
    for (const fn of this.handlers.get(event) ?? []) fn(...args);
  }
  sent(event: string) {
    return this.emitted.filter((e) => e.event === event);
  }
  /** as the client's `connect` option */
  asSocket(): ChatSocket {
    return this as unknown as ChatSocket;
  }
}

/** Navigation that goes nowhere and records where it was sent. */
export function fakeNavigation() {
  return { push: jest.fn(), replace: jest.fn(), assign: jest.fn() };
}
