/**
 * Files dropped anywhere on a conversation go to its composer's uploads (issue 14, item 1): the
 * composer registers where they go; the conversation screen, which takes the drop, hands them over.
 */
const targets = new Map<string, (files: File[]) => void>();

/** For the composer of `conversationId`: `add` takes dropped files from now on. Returns the unregister. */
export function onFilesDropped(conversationId: string, add: (files: File[]) => void): () => void {
  targets.set(conversationId, add);
  return () => {
    if (targets.get(conversationId) === add) targets.delete(conversationId);
  };
}

/** Hands files dropped on `conversationId` to its composer; false when it has none (nothing to attach to). */
export function dropFiles(conversationId: string, files: File[]): boolean {
  const add = targets.get(conversationId);
  if (!add || !files.length) return false;
  add(files);
  return true;
}
