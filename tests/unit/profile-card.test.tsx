/**
 * The profile page's card (components/people/ProfileCard.tsx) is rendered on the server, where the
 * runtime's own zone is not the reader's: the month someone joined is the reader's (the tz cookie).
 */
import { render, screen } from "@testing-library/react";
import { ProfileCard } from "@/components/people/ProfileCard";
import type { PublicUser } from "@/lib/people/types";

const person = (createdAt: string): PublicUser => ({ id: "00000000-0000-4000-8000-000000000001", username: "ada", displayName: "Ada", bio: "", avatar: null, createdAt });

describe("the month a person joined", () => {
  it("is the reader's, at a month's edge on either side of UTC", () => {
    // 23:30 UTC on November 30th: already December 1st in Kiritimati (UTC+14)
    const { unmount } = render(<ProfileCard profile={person("2026-11-30T23:30:00.000Z")} isSelf timeZone="Pacific/Kiritimati" />);
    expect(screen.getByText(/^Joined /).textContent).toBe("Joined December 2026");
    unmount();
    // 05:00 UTC on January 1st: still December 31st in Honolulu (UTC−10), and the year before
    render(<ProfileCard profile={person("2027-01-01T05:00:00.000Z")} isSelf timeZone="Pacific/Honolulu" />);
    expect(screen.getByText(/^Joined /).textContent).toBe("Joined December 2026");
  });
});
