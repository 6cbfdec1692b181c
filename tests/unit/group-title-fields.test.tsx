/**
 * A group name over the limit is never cut silently (issue 13, item 12): both title fields (new
 * group, group settings) keep everything typed or pasted, count it as the server does, mark the
 * field over the limit and refuse to save with the server's message — before anything is sent.
 */
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement } from "react";
import type { ConversationView } from "@/lib/conversations/types";
import { GROUP_TITLE_MAX } from "@/lib/conversations/rules";
import { GroupSettings } from "@/components/chat/conversation/GroupSettings";
import { NewGroupDialog } from "@/components/chat/sidebar/NewConversation";
import { ADA, groupConversation, ME } from "@/tests/support/chat-fixtures";
import { member, renderChat } from "@/tests/support/render-chat";

const GROUP: ConversationView = groupConversation([member(ME, "Me", { role: "owner" }), member(ADA, "Ada")], "owner");

/** 70 emoji: 140 UTF-16 units, 70 characters as the server counts them. */
const LONG = "😀".repeat(GROUP_TITLE_MAX + 6);

let writes: string[];
beforeEach(() => {
  writes = [];
  global.fetch = jest.fn(async (url: string | URL | Request, init?: RequestInit) => {
    if (init?.method && init.method !== "GET") writes.push(`${init.method} ${String(url)}`);
    return { ok: true, status: 200, json: async () => ({ users: [] }) } as Response;
  }) as typeof fetch;
});

/** Where a group is named: the dialog, how to render it, and its submit button. */
const FIELDS: [string, () => ReactElement, string][] = [
  ["the new-group dialog", () => <NewGroupDialog onClose={() => {}} />, "Create group"],
  ["group settings", () => <GroupSettings conversation={GROUP} onClose={() => {}} />, "Save"],
];

describe.each(FIELDS)("%s: a group name over the limit", (_where, ui, submit) => {
  it("is kept whole with a counter, marked over the limit, and refused with the server's message", async () => {
    const user = userEvent.setup();
    renderChat(ui(), [GROUP]);
    const field = screen.getByLabelText("Group name");
    expect(field).not.toHaveAttribute("maxLength");

    await user.clear(field);
    await user.click(field);
    await user.paste(LONG);
    expect(field).toHaveValue(LONG); // not cut at 64, nor at 32 (a UTF-16 maxLength of 64)
    expect(field).toHaveAccessibleDescription(`70 / ${GROUP_TITLE_MAX} characters: 6 over the limit`);
    expect(field).toHaveAttribute("aria-invalid", "true");

    await user.click(screen.getByRole("button", { name: new RegExp(`^${submit}`) }));
    expect(screen.getByRole("alert")).toHaveTextContent(`A title may be at most ${GROUP_TITLE_MAX} characters`);
    expect(writes).toEqual([]);
    expect(field).toHaveValue(LONG);

    // back within the limit: the counter says so and the mark goes
    await user.clear(field);
    await user.paste("😀".repeat(GROUP_TITLE_MAX));
    expect(field).toHaveAccessibleDescription(`${GROUP_TITLE_MAX} / ${GROUP_TITLE_MAX}`);
    expect(field).not.toHaveAttribute("aria-invalid");
  });
});
