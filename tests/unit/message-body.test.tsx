/**
 * <MessageBody> and its code block: each construct as the element it should be, HTML and other
 * schemes kept as text, links that open safely, the hook for later @mention work (never given code
 * or links), the Copy button (clipboard, "Copied", the fallback that selects), and random input
 * that never throws or makes anything but the expected elements.
 */
import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import fc from "fast-check";
import { renderToStaticMarkup } from "react-dom/server";
import { COPIED_MS } from "@/components/chat/messages/CodeBlock";
import { MessageBody } from "@/components/chat/messages/MessageBody";

function shown(body: string, renderText?: Parameters<typeof MessageBody>[0]["renderText"]) {
  const { container } = render(
    <div data-testid="body">
      <MessageBody body={body} renderText={renderText} />
    </div>,
  );
  return container.firstElementChild as HTMLElement;
}

describe("<MessageBody>", () => {
  it("renders bold, italic, strike and inline code as elements, without their markers", () => {
    const el = shown("**bold** *italic* _also_ ~~strike~~ `x < y`");
    expect(el.textContent).toBe("bold italic also strike x < y");
    expect(el.querySelector("strong")).toHaveTextContent(/^bold$/);
    expect([...el.querySelectorAll("em")].map((e) => e.textContent)).toEqual(["italic", "also"]);
    expect(el.querySelector("s")).toHaveTextContent(/^strike$/);
    expect(el.querySelector("p code")).toHaveTextContent(/^x < y$/);
  });

  it("renders paragraphs, quotes and lists as blocks that each take their direction from their text", () => {
    const el = shown("first\n\n> quoted\n- a\n- b\n\n2. two\n3. three\n\nשלום עולם");
    expect([...el.children].map((c) => c.tagName)).toEqual(["P", "BLOCKQUOTE", "UL", "OL", "P"]);
    for (const block of el.children) expect(block).toHaveAttribute("dir", "auto");
    expect(el.querySelector("ol")).toHaveAttribute("start", "2");
    expect([...el.querySelectorAll("li")].map((li) => li.textContent)).toEqual(["a", "b", "two", "three"]);
  });

  it("renders a code block as typed, left to right, focusable, with its language and a Copy button", () => {
    const el = shown("```ts\nconst a = **b** + `c`; // https://x.example\n```");
    const pre = el.querySelector("pre")!;
    expect(pre.textContent).toBe("const a = **b** + `c`; // https://x.example");
    expect(pre).toHaveAttribute("dir", "ltr");
    expect(pre).toHaveAttribute("tabindex", "0");
    expect(el.querySelector("a, strong")).toBeNull();
    expect(within(el).getByText("ts")).toBeInTheDocument();
    expect(within(el).getByRole("button", { name: "Copy code" })).toBeInTheDocument();
  });

  it("shows HTML as the text that was typed", () => {
    const body = `<script>window.__pwned = 1</script><b>bold</b> <img src=x onerror="alert(1)"> <a href="javascript:alert(1)">x</a> &lt;`;
    const el = shown(body);
    expect(el.textContent).toBe(body);
    expect(el.querySelector("script, b, img, a")).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it("links http(s), www. and e-mail addresses, opening in a new tab without the opener, and nothing else", () => {
    const el = shown("see https://a.example/x_(y). or www.b.example, ada@c.example; javascript:alert(1) data:text/html,x");
    const links = within(el).getAllByRole("link");
    expect(links.map((a) => [a.textContent, a.getAttribute("href")])).toEqual([
      ["https://a.example/x_(y)", "https://a.example/x_(y)"],
      ["www.b.example", "http://www.b.example"],
      ["ada@c.example", "mailto:ada@c.example"],
    ]);
    for (const a of links) {
      expect(a).toHaveAttribute("target", "_blank");
      expect(a).toHaveAttribute("rel", "noopener noreferrer");
    }
  });

  it("never links or formats code", () => {
    const el = shown("`www.a.example` and `**b**`\n```\nhttps://c.example *d*\n```");
    expect(el.querySelector("a, strong, em")).toBeNull();
  });

  it("hands each piece of text, and no code or link, to renderText", () => {
    const seen: [string, string][] = [];
    const el = shown("Hi @ada, **look @bob** `@code` https://x.example/@who\n```\n@block\n```\n> @quoted\n- @listed", (text, key) => {
      seen.push([text, key]);
      return text.replace(/@\w+/g, (m) => `<${m}>`);
    });
    expect(seen.map(([t]) => t)).toEqual(["Hi @ada, ", "look @bob", " ", " ", "@quoted", "@listed"]);
    expect(new Set(seen.map(([, k]) => k)).size).toBe(seen.length);
    expect(el.textContent).toContain("Hi <@ada>, look <@bob> @code https://x.example/@who");
    expect(el.querySelector("pre")!.textContent).toBe("@block");
  });
});

describe("the code block's Copy button", () => {
  afterEach(() => {
    jest.useRealTimers();
    Reflect.deleteProperty(navigator, "clipboard");
  });

  it("copies the code, says Copied, and reads Copy again after a while", async () => {
    jest.useFakeTimers();
    // user-event puts a clipboard of its own on navigator, as a browser's
    const user = userEvent.setup({ advanceTimers: (ms) => jest.advanceTimersByTime(ms) });
    shown("```\nline 1\n  line 2\n```");
    await user.click(screen.getByRole("button", { name: "Copy code" }));
    await expect(navigator.clipboard.readText()).resolves.toBe("line 1\n  line 2");
    expect(screen.getByRole("button", { name: "Copied code" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Code copied to the clipboard");
    act(() => jest.advanceTimersByTime(COPIED_MS));
    expect(screen.getByRole("button", { name: "Copy code" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("");
  });

  it("selects the code when the clipboard refuses, and says so", async () => {
    Object.defineProperty(navigator, "clipboard", { value: { writeText: jest.fn(async () => Promise.reject(new Error("denied"))) }, configurable: true });
    shown("```\nsecret sauce\n```");
    screen.getByRole("button", { name: "Copy code" }).focus();
    await userEvent.keyboard("{Enter}");
    expect(await screen.findByRole("button", { name: "Selected code" })).toBeInTheDocument();
    expect(window.getSelection()?.toString()).toBe("secret sauce");
    expect(screen.getByRole("status")).toHaveTextContent(/press Ctrl\+C/);
  });

  it("selects the code where there is no clipboard at all (an insecure page)", async () => {
    shown("```\nplain http\n```");
    await userEvent.click(screen.getByRole("button", { name: "Copy code" }));
    expect(await screen.findByRole("button", { name: "Selected code" })).toBeInTheDocument();
    expect(window.getSelection()?.toString()).toBe("plain http");
  });
});

const ALLOWED = new Set(["p", "strong", "em", "s", "code", "pre", "a", "blockquote", "ul", "ol", "li", "div", "span", "button"]);
const PIECES = ["*", "**", "_", "~~", "`", "```", "\n", "\n\n", "> ", "- ", "1. ", "  ", "\\", "<b>", "</b>", "<script>", "&amp;", "[x](", ")", "(", "https://a.example/", "www.b.example", "javascript:", "data:", "c@d.example", "mailto:", "word", " ", "ש", "😀", "\u202e"];

describe("random text", () => {
  it("never throws and makes only the expected elements, with only http(s) and mailto links", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 80 }), (pieces) => {
        const html = renderToStaticMarkup(<MessageBody body={pieces.join("")} />);
        const doc = new DOMParser().parseFromString(`<div>${html}</div>`, "text/html");
        for (const el of doc.body.querySelectorAll("*")) {
          expect(ALLOWED.has(el.tagName.toLowerCase())).toBe(true);
          for (const attr of el.getAttributeNames()) expect(attr).toMatch(/^(class|dir|href|target|rel|start|type|tabindex|data-testid|data-state|role|aria-live)$/);
        }
        for (const a of doc.querySelectorAll("a")) expect(a.getAttribute("href")).toMatch(/^(https?:\/\/|mailto:)/);
      }),
      { numRuns: 500 },
    );
  });
});
