import { linkify } from "./format";

/** A message's text: http(s) links become anchors, everything else stays plain text (never HTML). */
export function MessageBody({ body }: { body: string }) {
  return (
    <>
      {linkify(body).map((part, i) =>
        part.kind === "link" ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
