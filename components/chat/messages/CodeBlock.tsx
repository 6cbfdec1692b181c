"use client";

import { useEffect, useRef, useState } from "react";
import styles from "./MessageBody.module.scss";
import { useInnerTabIndex } from "./tab-stops";

type CopyState = "idle" | "copied" | "selected";
const LABEL: Record<CopyState, string> = { idle: "Copy", copied: "Copied", selected: "Selected" };
const ANNOUNCE: Record<CopyState, string> = { idle: "", copied: "Code copied to the clipboard", selected: "Code selected: press Ctrl+C (⌘C) to copy it" };
/** How long "Copied" shows before the button reads "Copy" again, in ms. */
export const COPIED_MS = 2000;

/**
 * A fenced code block: monospace, kept as typed (never wrapped, formatted or linked), scrolling
 * sideways when wider than the bubble (and focusable, so the keyboard can scroll it), with its
 * language word and a "Copy" button above it. Copy writes the code to the clipboard
 * (navigator.clipboard) and reads "Copied" for COPIED_MS; where the clipboard is refused or missing
 * (an insecure page, a denied permission) it selects the code instead and reads "Selected".
 * Screen readers hear either through a polite live region.
 */
export function CodeBlock({ text, lang }: { text: string; lang: string }) {
  const [state, setState] = useState<CopyState>("idle");
  const tabIndex = useInnerTabIndex();
  const pre = useRef<HTMLPreElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function copy() {
    let next: CopyState = "copied";
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      next = "selected";
      const range = document.createRange();
      if (pre.current) range.selectNodeContents(pre.current);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
    }
    setState(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState("idle"), COPIED_MS);
  }

  return (
    <div className={styles.codeBlock} data-testid="code-block">
      <div className={styles.codeHead}>
        <span className={styles.codeLang}>{lang}</span>
        <button type="button" className={styles.copy} onClick={() => void copy()} data-state={state} tabIndex={tabIndex}>
          {LABEL[state]}
          <span className="visually-hidden"> code</span>
        </button>
        <span className="visually-hidden" role="status" aria-live="polite">
          {ANNOUNCE[state]}
        </span>
      </div>
      <pre ref={pre} className={styles.pre} dir="ltr" tabIndex={tabIndex ?? 0}>
        <code>{text}</code>
      </pre>
    </div>
  );
}
