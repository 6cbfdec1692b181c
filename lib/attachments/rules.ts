/** Attachments' limits and kinds (browser-safe: the composer offers what the server takes). DESIGN.md, "Attachments and avatars". */

/** At most this many files on one message. */
export const ATTACHMENTS_PER_MESSAGE = 10;
/** The longest side of a thumbnail, in pixels (WebP). */
export const THUMBNAIL_MAX_PX = 480;
/** The longest file name kept, in code points (longer ones are cut, the extension kept). */
export const ATTACHMENT_NAME_MAX = 200;

/**
 * The raster image types shown in the page and served `inline`; everything else downloads
 * (`Content-Disposition: attachment`). SVG is not here: it can hold script.
 */
export const RASTER_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;

/**
 * What a message of files alone is called where its text would show (the conversation list, a
 * reply's quote, a notification, the pinned list): its one file's name, else "3 files".
 */
export function filesLabel(names: readonly string[]): string {
  return names.length === 1 ? names[0] : `${names.length} files`;
}

/** Whether a (sniffed) type is one of RASTER_TYPES. */
export function isRasterImage(contentType: string): boolean {
  return (RASTER_TYPES as readonly string[]).includes(contentType);
}
