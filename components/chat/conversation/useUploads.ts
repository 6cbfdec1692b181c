"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { ATTACHMENTS_PER_MESSAGE } from "@/lib/attachments/rules";
import type { AttachmentView } from "@/lib/messages/types";
import type { Upload } from "./uploads";

// the upload code loads with the first file (the chat page's first-load budget, issue 13)
const loadUploads = () => import("./uploads");

/** A file on its way into the composer: uploading (with its progress), ready, or refused (with why). */
export interface PendingFile {
  key: number;
  name: string;
  size: number;
  progress: number;
  status: "uploading" | "ready" | "failed";
  attachment?: AttachmentView;
  error?: string;
}

/**
 * The composer's files (issue 14, item 1): each added file starts uploading at once; `remove`
 * cancels one on its way or discards one uploaded; `take` hands the ready ones to a send and
 * empties the list. At most ATTACHMENTS_PER_MESSAGE; more are refused with a reason.
 */
export function useUploads() {
  const [files, setFiles] = useState<PendingFile[]>([]);
  const [refusal, setRefusal] = useState<string | null>(null);
  const uploads = useRef(new Map<number, Upload>());
  // removed before their upload began (the code still loading)
  const cancelled = useRef(new Set<number>());
  const nextKey = useRef(1);
  const count = useRef(0);

  const patch = (key: number, change: Partial<PendingFile>) => setFiles((list) => list.map((f) => (f.key === key ? { ...f, ...change } : f)));

  const add = useCallback((incoming: File[]) => {
    setRefusal(null);
    const room = ATTACHMENTS_PER_MESSAGE - count.current;
    if (incoming.length > room) setRefusal(`At most ${ATTACHMENTS_PER_MESSAGE} files on one message.`);
    for (const file of incoming.slice(0, Math.max(0, room))) {
      const key = nextKey.current++;
      count.current++;
      setFiles((list) => [...list, { key, name: file.name || "file", size: file.size, progress: 0, status: "uploading" }]);
      cancelled.current.delete(key);
      loadUploads()
        .then(({ uploadFile }) => {
          if (cancelled.current.has(key)) return;
          const upload = uploadFile(file, (progress) => patch(key, { progress }));
          uploads.current.set(key, upload);
          return upload.done.then(
            (attachment) => patch(key, { status: "ready", progress: 1, attachment }),
            (err: unknown) => {
              if (err instanceof DOMException && err.name === "AbortError") return;
              patch(key, { status: "failed", error: err instanceof Error ? err.message : "The upload failed" });
            },
          );
        })
        .catch(() => patch(key, { status: "failed", error: "The upload failed: no connection" }))
        .finally(() => uploads.current.delete(key));
    }
  }, []);

  const remove = useCallback((file: PendingFile) => {
    cancelled.current.add(file.key);
    uploads.current.get(file.key)?.cancel();
    const id = file.attachment?.id;
    if (id) void loadUploads().then(({ discardUpload }) => discardUpload(id));
    count.current--;
    setRefusal(null);
    setFiles((list) => list.filter((f) => f.key !== file.key));
  }, []);

  /** The ready files for a send, in order; the list is emptied (failed ones go too). */
  const take = useCallback((): AttachmentView[] => {
    const ready = files.filter((f) => f.status === "ready").map((f) => f.attachment!);
    count.current = 0;
    setFiles([]);
    setRefusal(null);
    return ready;
  }, [files]);

  // leaving the conversation cancels what is still on its way
  useEffect(() => () => uploads.current.forEach((u) => u.cancel()), []);

  return { files, refusal, add, remove, take, uploading: files.some((f) => f.status === "uploading"), ready: files.some((f) => f.status === "ready") };
}
