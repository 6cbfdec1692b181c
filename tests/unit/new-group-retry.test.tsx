/**
 * A second try at creating a group never makes a second group: the new-group dialog sends one
 * clientId (the creator's idempotency key, POST /api/conversations) for its whole life, so a try whose
 * answer was an error, though the server may have stored the group, is answered with that group.
 */
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ConversationView } from "@/lib/conversations/types";
import type { PublicUser } from "@/lib/people/types";
import { NewGroupDialog } from "@/components/chat/sidebar/NewConversation";
import { ADA, groupConversation, ME } from "@/tests/support/chat-fixtures";
import { member, renderChat } from "@/tests/support/render-chat";

const ADA_USER: PublicUser = { id: ADA, username: "ada", displayName: "Ada", bio: "", avatar: null, createdAt: "2026-01-01T00:00:00.000Z" };
const CREATED: ConversationView = { ...groupConversation([member(ME, "Me", { role: "owner" }), member(ADA, "Ada")], "owner"), title: "Trip" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let creations: { clientId?: unknown; title?: unknown }[];
beforeEach(() => {
  creations = [];
  global.fetch = jest.fn(async (url: string | URL | Request, init?: RequestInit) => {
    if (String(url) === "/api/conversations" && init?.method === "POST") {
      creations.push(JSON.parse(String(init.body)));
      // the first try's answer is an error (its group may have been stored all the same)
      if (creations.length === 1) return { ok: false, status: 503, json: async () => ({ error: { code: "unavailable", message: "Try again in a moment" } }) } as Response;
      return { ok: true, status: 200, json: async () => ({ conversation: CREATED }) } as Response;
    }
    return { ok: true, status: 200, json: async () => ({ users: [ADA_USER] }) } as Response;
  }) as typeof fetch;
});

describe("the new-group dialog", () => {
  it("sends the same clientId again when the first try failed", async () => {
    const user = userEvent.setup();
    const onClose = jest.fn();
    renderChat(<NewGroupDialog onClose={onClose} />, []);
    await user.type(screen.getByLabelText("Group name"), "Trip");
    await user.click(await screen.findByRole("button", { name: /Ada/ }));
    await user.click(screen.getByRole("button", { name: /^Create group/ }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Try again in a moment");
    expect(onClose).not.toHaveBeenCalled();

    await user.click(screen.getByRole("button", { name: /^Create group/ }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(creations).toHaveLength(2);
    expect(creations[0].clientId).toMatch(UUID);
    expect(creations[1].clientId).toBe(creations[0].clientId);
  });

  it("uses a new clientId in each dialog it opens", async () => {
    const user = userEvent.setup();
    const keys: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      renderChat(<NewGroupDialog onClose={() => {}} />, []);
      await user.type(screen.getByLabelText("Group name"), "Trip");
      await user.click(await screen.findByRole("button", { name: /Ada/ }));
      await user.click(screen.getByRole("button", { name: /^Create group/ }));
      await screen.findByRole("alert");
      keys.push(creations.at(-1)!.clientId);
      creations = []; // the next dialog's first try fails again
      cleanup();
    }
    expect(keys[0]).toMatch(UUID);
    expect(keys[1]).toMatch(UUID);
    expect(keys[1]).not.toBe(keys[0]);
  });
});
