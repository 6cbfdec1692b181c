import { linkify } from "./format";
import { MentionText, useMentionSpans } from "./Mention";

/**
 * A message's text: http(s) links become anchors, mentions the server resolved are highlighted
 * (./Mention.tsx), everything else stays plain text (never HTML).
 */
export function MessageBody({ body, mentions, conversationId }: { body: string; mentions?: readonly string[]; conversationId?: string }) {
  const spans = useMentionSpans(body, mentions, conversationId);
  let offset = 0;
  return (
    <>
      {linkify(body).map((part, i) => {
        const at = offset;
        offset += part.text.length;
        return part.kind === "link" ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          <span key={i}>
            <MentionText text={part.text} offset={at} spans={spans} />
          </span>
        );
      })}
    </>
  );
}
