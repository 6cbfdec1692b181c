/** components/Avatar.tsx: the uploaded picture when there is one (decorative, round, the same size), else initials on a colour. */
import { render } from "@testing-library/react";
import { Avatar } from "@/components/Avatar";

describe("Avatar", () => {
  it("shows the picture, decorative and at the avatar's size, in place of the initials", () => {
    const { container } = render(<Avatar user={{ id: "u1", displayName: "Ada Lovelace", avatar: "/api/avatars/u1?v=0123456789abcdef" }} size={40} online />);
    const img = container.querySelector("img")!;
    expect(img.getAttribute("src")).toBe("/api/avatars/u1?v=0123456789abcdef");
    expect(img.getAttribute("alt")).toBe("");
    expect([img.getAttribute("width"), img.getAttribute("height"), img.getAttribute("decoding")]).toEqual(["40", "40", "async"]);
    expect(container.textContent).toBe("");
    expect(container.querySelector("[data-presence=online]")).not.toBeNull();
  });

  it("shows initials without a picture", () => {
    for (const avatar of [null, undefined]) {
      const { container } = render(<Avatar user={{ id: "u1", displayName: "Ada Lovelace", avatar }} />);
      expect(container.querySelector("img")).toBeNull();
      expect(container.textContent).toBe("AL");
    }
  });
});
