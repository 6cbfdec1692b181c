import { linkify } from "./format";

/**
 * A message's text: http(s) links become anchors, everything else stays plain text (never HTML).
 * `tabbable` false takes the links out of the tab order (a message that is not the list's current
 * one: MessageItem.tsx); they still open on click and from the current message.
 */
export function MessageBody({ body, tabbable = true }: { body: string; tabbable?: boolean }) {
  return (
    <>
      {linkify(body).map((part, i) =>
        part.kind === "link" ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer" tabIndex={tabbable ? undefined : -1}>
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
