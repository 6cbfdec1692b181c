/**
 * The one "take the next position" rule lives with the counter it bumps, `conversations.last_seq`
 * (lib/conversations/positions.ts): the conversations domain takes positions for the notes it writes
 * about its own changes (./notes.ts there), and may not import a messages service. Re-exported here
 * for the messages domain's writers.
 */
import "server-only";
export { positionsTaken, positionsTakenFrom, takePosition, takePositions } from "../conversations/positions";
