/**
 * Uploading files from the composer (issue 14, item 1): POST /api/attachments one file at a time,
 * with its progress (XMLHttpRequest: fetch reports no upload progress) and a way to cancel it.
 */
import type { AttachmentView } from "@/lib/messages/types";

/** One upload under way: its promise (the unsent attachment, or the server's reason) and its cancel. */
export interface Upload {
  done: Promise<AttachmentView>;
  cancel(): void;
}

/** Sends `file` as multipart/form-data in the field `file`; `onProgress` gets the fraction sent, 0 to 1. */
export function uploadFile(file: File, onProgress: (fraction: number) => void): Upload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<AttachmentView>((resolve, reject) => {
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let data: { attachment?: AttachmentView; error?: { message?: string; fields?: Record<string, string> } } | null = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status === 201 && data?.attachment) return resolve(data.attachment);
      const field = data?.error?.fields ? Object.values(data.error.fields)[0] : undefined;
      reject(new Error(field ?? data?.error?.message ?? `The upload failed (${xhr.status})`));
    };
    xhr.onerror = () => reject(new Error("The upload failed: no connection"));
    xhr.onabort = () => reject(new DOMException("Cancelled", "AbortError"));
  });
  const form = new FormData();
  form.append("file", file, file.name);
  xhr.open("POST", "/api/attachments");
  xhr.send(form);
  return { done, cancel: () => xhr.abort() };
}

/** Removes one's own upload that will not be sent (taken off the composer); failures are left to the server's daily sweep. */
export function discardUpload(id: string): void {
  void fetch(`/api/attachments/${encodeURIComponent(id)}`, { method: "DELETE" }).catch(() => {});
}
