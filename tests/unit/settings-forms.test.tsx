import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { DangerZone } from "@/components/settings/DangerZone";
import { PasswordForm } from "@/components/settings/PasswordForm";
import { ProfileForm } from "@/components/settings/ProfileForm";
import type { ActionState } from "@/lib/http/action";

type Action = (prev: ActionState, form: FormData) => Promise<ActionState>;

/** An action that records what it was sent and answers with `answer` (given the submitted form). */
function fakeAction(answer: (form: FormData) => ActionState) {
  const calls: Record<string, string>[] = [];
  const action: Action = async (_prev, form) => {
    calls.push(Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)])));
    return answer(form);
  };
  return { action, calls };
}

/** Raw string values of the named fields, as actionWithSession echoes them back. */
function valuesOf(form: FormData, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, String(form.get(n) ?? "")]));
}

/** The field wrapper (label, control, hint/error) of a labelled control. */
function fieldOf(control: HTMLElement): HTMLElement {
  return control.parentElement!;
}

describe("<ProfileForm>", () => {
  const profile = { displayName: "Ada Lovelace", bio: "Poetical science." };

  it("starts from the current profile, with no errors", () => {
    render(<ProfileForm action={fakeAction(() => ({})).action} profile={profile} />);
    const form = screen.getByRole("form", { name: "Profile" });
    expect(within(form).getByLabelText("Display name")).toHaveValue("Ada Lovelace");
    expect(within(form).getByLabelText("Bio")).toHaveValue("Poetical science.");
    expect(within(form).getByLabelText("Display name")).not.toHaveAttribute("aria-invalid");
    expect(within(form).getByLabelText("Bio")).not.toHaveAttribute("aria-invalid");
    expect(within(form).getByLabelText("Bio")).toHaveAccessibleDescription("17 / 280");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
  });

  it("counts the name and the bio in code points, as the server does, and lets a name of 64 emoji be typed", async () => {
    const user = userEvent.setup();
    render(<ProfileForm action={fakeAction(() => ({})).action} profile={{ displayName: "Ada", bio: "👩🏽‍💻 " + "🚀".repeat(100) }} />);
    const name = screen.getByLabelText("Display name");
    const bio = screen.getByLabelText("Bio");
    expect(bio).toHaveAccessibleDescription("105 / 280"); // 4 + 1 + 100 code points (205 UTF-16 units)
    expect(name).not.toHaveAttribute("maxLength");
    expect(bio).not.toHaveAttribute("maxLength");
    expect(screen.queryByText(/\/ 64/)).not.toBeInTheDocument(); // the name's counter shows from 50

    await user.clear(name);
    await user.type(name, "😀".repeat(64));
    expect(name).toHaveValue("😀".repeat(64)); // a UTF-16 maxLength of 64 stopped at 32
    expect(name).toHaveAccessibleDescription("64 / 64");
    expect(name).not.toHaveAttribute("aria-invalid");
    await user.type(name, "😀");
    expect(name).toHaveAccessibleDescription("65 / 64 characters: 1 over the limit");
    expect(name).toHaveAttribute("aria-invalid", "true");

    await user.clear(name);
    await user.type(name, "e\u0301".repeat(60)); // 120 code points typed, 60 once NFC-normalised like the server
    expect(name).toHaveAccessibleDescription("60 / 64");
  });

  it("shows a display-name error next to that field and keeps what the user typed", async () => {
    const user = userEvent.setup();
    const { action, calls } = fakeAction((form) => ({
      fields: { displayName: "Display name is required" },
      values: valuesOf(form, ["displayName", "bio"]),
    }));
    render(<ProfileForm action={action} profile={profile} />);

    const name = screen.getByLabelText("Display name");
    const bio = screen.getByLabelText("Bio");
    await user.clear(name);
    await user.type(name, "   ");
    await user.clear(bio);
    await user.type(bio, "Enchantress of numbers");
    await user.click(screen.getByRole("button", { name: "Save profile" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Display name is required");
    expect(fieldOf(name)).toContainElement(alert);
    expect(name).toHaveAttribute("aria-invalid", "true");
    expect(name).toHaveAccessibleDescription("Display name is required");
    expect(bio).not.toHaveAttribute("aria-invalid");

    expect(calls).toEqual([{ displayName: "   ", bio: "Enchantress of numbers" }]);
    // refilled from state.values, not reset to the saved profile
    expect(screen.getByLabelText("Display name")).toHaveValue("   ");
    expect(screen.getByLabelText("Bio")).toHaveValue("Enchantress of numbers");
    expect(screen.getByLabelText("Bio")).toHaveAccessibleDescription("22 / 280");
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
  });

  it("shows a bio error next to the bio and marks only the bio invalid", async () => {
    const user = userEvent.setup();
    const { action } = fakeAction((form) => ({
      fields: { bio: "Bio must be at most 280 characters" },
      values: valuesOf(form, ["displayName", "bio"]),
    }));
    render(<ProfileForm action={action} profile={profile} />);

    const bio = screen.getByLabelText("Bio");
    await user.type(bio, " More.");
    await user.click(screen.getByRole("button", { name: "Save profile" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Bio must be at most 280 characters");
    expect(fieldOf(bio)).toContainElement(alert);
    expect(bio).toHaveAttribute("aria-invalid", "true");
    expect(bio).toHaveAccessibleDescription("Bio must be at most 280 characters");
    expect(screen.getByLabelText("Display name")).not.toHaveAttribute("aria-invalid");
    expect(bio).toHaveValue("Poetical science. More.");
  });

  it("announces success with role=status and shows the saved values", async () => {
    const user = userEvent.setup();
    const { action, calls } = fakeAction((form) => ({ success: "Profile saved", values: valuesOf(form, ["displayName", "bio"]) }));
    render(<ProfileForm action={action} profile={profile} />);

    await user.clear(screen.getByLabelText("Display name"));
    await user.type(screen.getByLabelText("Display name"), "Countess of Lovelace");
    await user.click(screen.getByRole("button", { name: "Save profile" }));

    expect(await screen.findByRole("status")).toHaveTextContent("Profile saved");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(calls).toEqual([{ displayName: "Countess of Lovelace", bio: "Poetical science." }]);
    expect(screen.getByLabelText("Display name")).toHaveValue("Countess of Lovelace");
    expect(screen.getByLabelText("Display name")).not.toHaveAttribute("aria-invalid");
  });

  it("shows a form-level error as an alert, keeping the typed values", async () => {
    const user = userEvent.setup();
    const { action } = fakeAction((form) => ({ error: "Your session has ended. Sign in again.", values: valuesOf(form, ["displayName", "bio"]) }));
    render(<ProfileForm action={action} profile={profile} />);

    await user.type(screen.getByLabelText("Display name"), " II");
    await user.click(screen.getByRole("button", { name: "Save profile" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Your session has ended. Sign in again.");
    expect(screen.getByLabelText("Display name")).toHaveValue("Ada Lovelace II");
    expect(screen.getByLabelText("Display name")).not.toHaveAttribute("aria-invalid");
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
  });

  it("disables the button and says so while saving", async () => {
    const user = userEvent.setup();
    let finish!: (s: ActionState) => void;
    const action: Action = () => new Promise((resolve) => (finish = resolve));
    render(<ProfileForm action={action} profile={profile} />);

    await user.click(screen.getByRole("button", { name: "Save profile" }));
    expect(await screen.findByRole("button", { name: "Saving…" })).toBeDisabled();
    finish({ success: "Profile saved" });
    expect(await screen.findByRole("button", { name: "Save profile" })).toBeEnabled();
  });
});

describe("<PasswordForm>", () => {
  it("describes the new password rule before any error", () => {
    render(<PasswordForm action={fakeAction(() => ({})).action} />);
    expect(screen.getByRole("form", { name: "Change password" })).toBeInTheDocument();
    expect(screen.getByLabelText("New password")).toHaveAccessibleDescription("At least 8 characters");
    expect(screen.getByLabelText("Current password")).not.toHaveAttribute("aria-invalid");
  });

  it("puts each field error next to its own field and sends what was typed", async () => {
    const user = userEvent.setup();
    const { action, calls } = fakeAction(() => ({ fields: { currentPassword: "Wrong password" } }));
    render(<PasswordForm action={action} />);

    await user.type(screen.getByLabelText("Current password"), "not it at all");
    await user.type(screen.getByLabelText("New password"), "a brand new secret");
    await user.click(screen.getByRole("button", { name: "Change password" }));

    const alert = await screen.findByRole("alert");
    const current = screen.getByLabelText("Current password");
    expect(alert).toHaveTextContent("Wrong password");
    expect(fieldOf(current)).toContainElement(alert);
    expect(current).toHaveAttribute("aria-invalid", "true");
    expect(current).toHaveAccessibleDescription("Wrong password");
    expect(screen.getByLabelText("New password")).not.toHaveAttribute("aria-invalid");
    expect(screen.getByLabelText("New password")).toHaveAccessibleDescription("At least 8 characters");
    expect(calls).toEqual([{ currentPassword: "not it at all", newPassword: "a brand new secret" }]);
  });

  it("counts the new password in code points like the server: 4 emoji are refused before sending, 8 are sent", async () => {
    const user = userEvent.setup();
    const { action, calls } = fakeAction(() => ({ success: "Password changed." }));
    render(<PasswordForm action={action} />);
    const next = screen.getByLabelText("New password");
    expect(next).not.toHaveAttribute("minLength"); // the browser would count UTF-16 units: "😀😀😀😀" is 8
    expect(next).not.toHaveAttribute("maxLength");

    await user.type(screen.getByLabelText("Current password"), "correct horse battery");
    await user.type(next, "😀😀😀😀");
    await user.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Password must be at least 8 characters");
    expect(next).toHaveAttribute("aria-invalid", "true");
    expect(calls).toEqual([]);

    await user.type(next, "😀😀😀😀");
    await user.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Password changed.");
    expect(calls).toEqual([{ currentPassword: "correct horse battery", newPassword: "😀".repeat(8) }]);
  });

  it("replaces the hint with the new-password error", async () => {
    const user = userEvent.setup();
    const { action } = fakeAction(() => ({ fields: { newPassword: "Password must be at least 8 characters" } }));
    render(<PasswordForm action={action} />);

    await user.type(screen.getByLabelText("Current password"), "correct horse battery");
    await user.type(screen.getByLabelText("New password"), "refused by the server");
    await user.click(screen.getByRole("button", { name: "Change password" }));

    const alert = await screen.findByRole("alert");
    const next = screen.getByLabelText("New password");
    expect(alert).toHaveTextContent("Password must be at least 8 characters");
    expect(fieldOf(next)).toContainElement(alert);
    expect(next).toHaveAttribute("aria-invalid", "true");
    expect(next).toHaveAccessibleDescription("Password must be at least 8 characters");
    expect(screen.queryByText("At least 8 characters")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Current password")).not.toHaveAttribute("aria-invalid");
  });

  it("announces success with role=status and does not keep the passwords", async () => {
    const user = userEvent.setup();
    const { action } = fakeAction(() => ({ success: "Password changed. Your other devices were signed out." }));
    render(<PasswordForm action={action} />);

    await user.type(screen.getByLabelText("Current password"), "correct horse battery");
    await user.type(screen.getByLabelText("New password"), "a brand new secret");
    await user.click(screen.getByRole("button", { name: "Change password" }));

    expect(await screen.findByRole("status")).toHaveTextContent("Password changed. Your other devices were signed out.");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Current password")).toHaveValue("");
    expect(screen.getByLabelText("New password")).toHaveValue("");
  });

  it("shows a form-level error as an alert", async () => {
    const user = userEvent.setup();
    const { action } = fakeAction(() => ({ error: "Too many attempts. Try again later." }));
    render(<PasswordForm action={action} />);

    await user.type(screen.getByLabelText("Current password"), "correct horse battery");
    await user.type(screen.getByLabelText("New password"), "a brand new secret");
    await user.click(screen.getByRole("button", { name: "Change password" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Too many attempts. Try again later.");
    expect(screen.getByLabelText("Current password")).not.toHaveAttribute("aria-invalid");
    expect(screen.getByLabelText("New password")).not.toHaveAttribute("aria-invalid");
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
  });
});

describe("<DangerZone>", () => {
  it("shows only the delete button until asked, and Cancel hides the form again", async () => {
    const user = userEvent.setup();
    const { action, calls } = fakeAction(() => ({}));
    render(<DangerZone action={action} />);

    expect(screen.getAllByRole("button").map((b) => b.textContent)).toEqual(["Delete account…"]);
    expect(screen.queryByRole("form", { name: "Delete account" })).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Your password")).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Delete account…" }));
    const form = screen.getByRole("form", { name: "Delete account" });
    expect(within(form).getByLabelText("Your password")).toHaveFocus();
    expect(within(form).getByRole("button", { name: "Delete my account permanently" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Delete account…" })).not.toBeInTheDocument();

    await user.click(within(form).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("form", { name: "Delete account" })).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Your password")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Delete account…" })).toBeInTheDocument();
    expect(calls).toEqual([]);
  });

  it("shows a wrong password next to the password field and sends what was typed", async () => {
    const user = userEvent.setup();
    const { action, calls } = fakeAction(() => ({ fields: { password: "Wrong password" } }));
    render(<DangerZone action={action} />);

    await user.click(screen.getByRole("button", { name: "Delete account…" }));
    await user.type(screen.getByLabelText("Your password"), "guess one");
    await user.click(screen.getByRole("button", { name: "Delete my account permanently" }));

    const alert = await screen.findByRole("alert");
    const password = screen.getByLabelText("Your password");
    expect(alert).toHaveTextContent("Wrong password");
    expect(fieldOf(password)).toContainElement(alert);
    expect(password).toHaveAttribute("aria-invalid", "true");
    expect(password).toHaveAccessibleDescription("Wrong password");
    expect(calls).toEqual([{ password: "guess one" }]);
    // the confirmation stays open for another try
    expect(screen.getByRole("form", { name: "Delete account" })).toBeInTheDocument();
  });

  it("shows a form-level error as an alert", async () => {
    const user = userEvent.setup();
    const { action } = fakeAction(() => ({ error: "Your session has ended. Sign in again." }));
    render(<DangerZone action={action} />);

    await user.click(screen.getByRole("button", { name: "Delete account…" }));
    await user.type(screen.getByLabelText("Your password"), "correct horse battery");
    await user.click(screen.getByRole("button", { name: "Delete my account permanently" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Your session has ended. Sign in again.");
    expect(screen.getByLabelText("Your password")).not.toHaveAttribute("aria-invalid");
  });

  it("disables both buttons while deleting", async () => {
    const user = userEvent.setup();
    let finish!: (s: ActionState) => void;
    const action: Action = () => new Promise((resolve) => (finish = resolve));
    render(<DangerZone action={action} />);

    await user.click(screen.getByRole("button", { name: "Delete account…" }));
    await user.type(screen.getByLabelText("Your password"), "correct horse battery");
    await user.click(screen.getByRole("button", { name: "Delete my account permanently" }));

    expect(await screen.findByRole("button", { name: "Deleting…" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Cancel" })).toBeDisabled();
    finish({ fields: { password: "Wrong password" } });
    expect(await screen.findByRole("button", { name: "Delete my account permanently" })).toBeEnabled();
  });
});
