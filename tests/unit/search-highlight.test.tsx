/**
 * The search dialog's hit text (components/chat/search/SearchDialog.tsx `highlightParts`): a long
 * body is shown from a little before its first match, cut on a grapheme boundary (DESIGN.md Text
 * rules), and the marks become <mark> elements holding text.
 */
import { render } from "@testing-library/react";
import { highlightParts } from "@/components/chat/search/SearchDialog";

const shown = (highlight: string) => render(<p>{highlightParts(highlight)}</p>).container.firstChild as HTMLElement;

describe("highlightParts", () => {
  test("a long lead is cut between graphemes, never between a flag's two halves or inside an emoji sequence", () => {
    // the match starts at UTF-16 index 124, so the cut 40 before it falls between 🇫 and 🇷
    const p = shown("ab" + "🇫🇷".repeat(30) + "cd\u0002word\u0003 end");
    expect(p.textContent).toBe("…" + "🇫🇷".repeat(10) + "cdword end");
    const family = "👩\u200d👩\u200d👧";
    const q = shown("x".repeat(3) + family.repeat(20) + "\u0002hit\u0003");
    const lead = q.textContent!.slice(1, -3);
    expect(lead.length % family.length).toBe(0);
    expect(lead).toBe(family.repeat(lead.length / family.length));
    expect(q.querySelector("mark")?.textContent).toBe("hit");
  });

  test("markup in a body stays text", () => {
    const p = shown("<img src=x onerror=alert(1)> \u0002<b>bold</b>\u0003");
    expect(p.querySelector("img, b")).toBeNull();
    expect(p.querySelector("mark")?.textContent).toBe("<b>bold</b>");
  });
});
