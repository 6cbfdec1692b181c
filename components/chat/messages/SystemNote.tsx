import { Fragment } from "react";
import type { MessageView } from "@/lib/messages/types";
import { fullTime } from "./format";
import { useTimeZone } from "../hooks/useNow";
import { noteParts, noteText, type NotePart } from "./system-note";
import { PersonName } from "../PersonName";
import styles from "./SystemNote.module.scss";

/** Names a person of a note by id; null: nobody (a deleted account). */
export type NameOf = (id: string | null) => string;

/** A note's words with each name and the title bidi-isolated (DESIGN.md Text rules). */
export function NoteWords({ parts, nameOf }: { parts: NotePart[]; nameOf: NameOf }) {
  return (
    <>
      {parts.map((p, i) =>
        typeof p === "string" ? (
          <Fragment key={i}>{p}</Fragment>
        ) : "title" in p ? (
          <Fragment key={i}>
            “<bdi>{p.title}</bdi>”
          </Fragment>
        ) : (
          <PersonName key={i} name={nameOf(p.person)} />
        ),
      )}
    </>
  );
}

/**
 * A group change in the timeline (a `kind: "system"` message): one centred, muted line, never grouped
 * with messages and without message actions; its time on hover.
 */
export function SystemNote({ message, meId, nameOf }: { message: MessageView; meId: string; nameOf: NameOf }) {
  const timeZone = useTimeZone();
  if (!message.event) return null;
  const parts = noteParts(message.event, message.senderId, meId);
  return (
    <div className={styles.note} data-testid="system-note" data-seq={message.seq}>
      <p className={styles.text} title={`${noteText(parts, nameOf)} · ${fullTime(message.createdAt, timeZone)}`}>
        <NoteWords parts={parts} nameOf={nameOf} />
      </p>
    </div>
  );
}
