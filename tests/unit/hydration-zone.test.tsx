/**
 * A server-rendered message list hydrates without a mismatch in a browser whose tz database says
 * something else of the reader's zone than the server's runtime does (observed: in December 2026,
 * Node 20 put America/Vancouver at UTC−8 and Chromium 156 at UTC−7, so every time on the page read
 * an hour apart, and a message near midnight fell on another day). The server renders with its
 * offsets (lib/http/time-zone.ts readerClock) and hydration formats by those same offsets.
 *
 * The server's HTML comes from react-dom/server with this runtime's Intl; the browser is a fresh
 * module registry whose Intl.DateTimeFormat takes America/Vancouver for America/Edmonton (UTC−7
 * in winter), as a browser with newer rules would.
 */
import type { MessageView } from "@/lib/messages/types";
import { PLAIN_TEXT } from "@/lib/messages/types";
import { zoneOffsets } from "@/lib/platform/zone-offsets";

const ME = "00000000-0000-4000-8000-000000000001";
const ADA = "00000000-0000-4000-8000-000000000002";
const ZONE = "America/Vancouver";
const AT = "2026-12-01T10:00:00.000Z";
const DAY_MS = 24 * 60 * 60 * 1000;

function msg(seq: number, createdAt: string): MessageView {
  return { ...PLAIN_TEXT, id: `m-${seq}`, conversationId: "c-1", seq, rev: seq, senderId: ADA, clientId: `c-${seq}`, body: `message ${seq}`, createdAt, editedAt: null, deletedAt: null };
}

// 07:30 UTC: 23:30 on November 30th at UTC−8, 00:30 on December 1st at UTC−7; then later that morning
const MESSAGES = [msg(1, "2026-11-29T18:00:00.000Z"), msg(2, "2026-12-01T07:30:00.000Z"), msg(3, "2026-12-01T07:36:00.000Z"), msg(4, "2026-12-01T09:10:00.000Z")];
const PEOPLE = { [ME]: { id: ME, username: "me", displayName: "Me" }, [ADA]: { id: ADA, username: "ada", displayName: "Ada" } };

/** The list inside the rendered clock, built from the given registry's modules. */
function page(modules: { React: typeof import("react"); useNow: typeof import("@/components/chat/hooks/useNow"); MessageList: typeof import("@/components/chat/messages/MessageList") }) {
  const { React, useNow, MessageList } = modules;
  const clock = { at: AT, timeZone: zoneOffsets(ZONE, Date.parse(AT) - 30 * DAY_MS, Date.parse(AT) + DAY_MS) };
  const noop = async () => null;
  return React.createElement(
    useNow.RenderedClockContext.Provider,
    { value: clock },
    React.createElement(MessageList.MessageList, {
      messages: MESSAGES,
      outgoing: [],
      meId: ME,
      people: PEOPLE,
      readSeqAtOpen: null,
      hasOlder: false,
      loadingOlder: false,
      now: new Date(AT),
      onRetry: () => {},
      onDiscard: () => {},
      onEdit: noop,
      onDelete: noop,
      onLoadOlder: () => {},
    }),
  );
}

const load = () => ({
  React: require("react") as typeof import("react"),
  useNow: require("@/components/chat/hooks/useNow") as typeof import("@/components/chat/hooks/useNow"),
  MessageList: require("@/components/chat/messages/MessageList") as typeof import("@/components/chat/messages/MessageList"),
});

describe("hydrating times in the reader's zone", () => {
  const RealDateTimeFormat = Intl.DateTimeFormat;
  afterEach(() => {
    Intl.DateTimeFormat = RealDateTimeFormat;
  });

  it("repeats the server's text when the browser's tz database places the zone an hour away", async () => {
    let html = "";
    jest.isolateModules(() => {
      const { renderToString } = require("react-dom/server") as typeof import("react-dom/server");
      html = renderToString(page(load()));
    });
    // the server drew what its runtime says of Vancouver (UTC−8): the late message on November 30th
    expect(html).toContain("23:30");

    // the browser: another tz database for the same zone name
    const Shifted = function (locales?: string | string[], options?: Intl.DateTimeFormatOptions) {
      return new RealDateTimeFormat(locales, options?.timeZone?.toLowerCase() === ZONE.toLowerCase() ? { ...options, timeZone: "America/Edmonton" } : options);
    } as unknown as typeof Intl.DateTimeFormat;
    Shifted.supportedLocalesOf = RealDateTimeFormat.supportedLocalesOf;
    Intl.DateTimeFormat = Shifted;
    expect(new Intl.DateTimeFormat("en", { timeZone: ZONE, hour: "2-digit", hourCycle: "h23" }).format(new Date("2026-12-01T07:30:00.000Z"))).toBe("00");

    const container = document.createElement("div");
    container.innerHTML = html;
    document.body.appendChild(container);
    const recoverable: unknown[] = [];
    const logged = jest.spyOn(console, "error").mockImplementation(() => {});
    try {
      let element!: ReturnType<typeof page>;
      let hydrateRoot!: typeof import("react-dom/client").hydrateRoot;
      // (that registry's own act: React's work is flushed by the copy that scheduled it)
      let act!: typeof import("react").act;
      jest.isolateModules(() => {
        const modules = load();
        element = page(modules);
        act = modules.React.act;
        hydrateRoot = (require("react-dom/client") as typeof import("react-dom/client")).hydrateRoot;
      });
      let root!: ReturnType<typeof hydrateRoot>;
      await act(async () => {
        root = hydrateRoot(container, element, { onRecoverableError: (e) => recoverable.push(e) });
      });
      expect(recoverable.map(String)).toEqual([]);
      expect(logged.mock.calls.filter((args) => /hydrat/i.test(args.map(String).join(" ")))).toEqual([]);
      await act(async () => root.unmount());
    } finally {
      logged.mockRestore();
      container.remove();
    }
  });
});
