/**
 * Uploaded files' names (docs/attachments.md): apart from upload.ts so that it can be tested without
 * the upload's storage and decoders.
 */
import "server-only";
import { truncate } from "../platform/text-length";
import { ATTACHMENT_NAME_MAX } from "./rules";

/**
 * A file name as stored and sent back in Content-Disposition: the last path segment, NFC, without
 * control characters or bidirectional overrides (which could show "gpj.exe" as "exe.jpg"), at most
 * ATTACHMENT_NAME_MAX code points with its extension kept; "file" when nothing but dots is left.
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? "";
  let name = base
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]/g, "")
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "")
    .trim();
  // only dots ("." "..", "...") names no file, and a path segment of dots is nothing anyone meant to save
  if (/^\.+$/.test(name)) name = "";
  if ([...name].length > ATTACHMENT_NAME_MAX) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : "";
    name = truncate(name.slice(0, name.length - ext.length), ATTACHMENT_NAME_MAX - [...ext].length) + ext;
  }
  return name || "file";
}
