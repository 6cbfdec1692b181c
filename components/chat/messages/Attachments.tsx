"use client";

import { useState, type MouseEvent } from "react";
import type { AttachmentView } from "@/lib/messages/types";
import { THUMBNAIL_MAX_PX } from "@/lib/attachments/rules";
import { lazyDialog } from "../LazyDialog";
import type { ViewerImage } from "./ImageViewer";
import styles from "./Attachments.module.scss";

/** Loaded on the first click on an image (../LazyDialog.tsx); a pointer over a thumbnail preloads it. */
const ImageViewer = lazyDialog(() => import("./ImageViewer").then((m) => m.ImageViewer));

/** The images shown in `scope` now, in the order shown (each thumbnail's link carries what the viewer needs). */
function imagesIn(scope: Element): ViewerImage[] {
  return [...scope.querySelectorAll<HTMLAnchorElement>('a[data-testid="attachment-image"]')].map((a) => ({
    url: a.getAttribute("href")!,
    thumbnailUrl: a.querySelector("img")?.getAttribute("src") ?? a.getAttribute("href")!,
    name: a.title,
    width: Number(a.dataset.width),
    height: Number(a.dataset.height),
  }));
}

/**
 * What the viewer steps through when `opened` is clicked: every image of the conversation's loaded
 * messages (or the clicked one's list outside a message list), read again at each step, so an
 * image whose message was deleted meanwhile is no longer shown and one that arrived is.
 */
function galleryOf(opened: HTMLAnchorElement): { images: ViewerImage[]; start: number; refresh(): ViewerImage[] } {
  const scope = opened.closest('[data-testid="message-list"]') ?? opened.parentElement!;
  const images = imagesIn(scope);
  const url = opened.getAttribute("href");
  return { images, start: Math.max(0, images.findIndex((i) => i.url === url)), refresh: () => (scope.isConnected ? imagesIn(scope) : []) };
}

/** "4.2 MB", "512 KB", "17 bytes": a file's size as a card shows it (decimal units, as file managers do). */
export function fileSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? "" : "s"}`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The thumbnail's own size: the image's, scaled down to fit THUMBNAIL_MAX_PX a side (as the server made it). */
export function thumbnailSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, THUMBNAIL_MAX_PX / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The largest box an image takes in the conversation, in CSS pixels (the column may be narrower). */
const SHOWN_MAX = { width: 360, height: 320 };
/** The smallest side of an image's box, in CSS pixels: a target one can see and tap (WCAG 2.5.8 asks 24). */
const SHOWN_MIN = 48;

/**
 * The box an image is drawn in, before and after it loads: at most SHOWN_MAX (never enlarged),
 * narrower when the column is, its height following from its proportions (`aspect-ratio`), so it
 * is there before a byte arrives; no side under SHOWN_MIN (a panorama's box is a band of it, the
 * image covering it, cropped). Set on the list item as a length (the list is as wide as its
 * content, so a percentage would be of nothing yet); its `max-width: 100%` fits it to the column.
 */
export function shownBox(width: number, height: number): { width: string; aspectRatio: string } {
  const scale = Math.min(1, SHOWN_MAX.width / width, SHOWN_MAX.height / height);
  const boxWidth = Math.max(SHOWN_MIN, Math.round(width * scale));
  const boxHeight = Math.max(SHOWN_MIN, Math.round(height * scale));
  return { width: `${boxWidth}px`, aspectRatio: `${boxWidth} / ${boxHeight}` };
}

/**
 * A message's files (issue 14, item 2): images as their thumbnails, with the space they take
 * reserved before they load (width and height given, so nothing below moves), each opening the
 * full image in the viewer (./ImageViewer.tsx); other files as a card (icon, name, size) that downloads. Names are text, isolated.
 */
export function Attachments({ attachments }: { attachments: AttachmentView[] }) {
  const [viewing, setViewing] = useState<ReturnType<typeof galleryOf> | null>(null);
  if (!attachments.length) return null;
  // a plain click opens the viewer; Ctrl/Cmd/Shift-click and the middle button still open a tab
  const openViewer = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    setViewing(galleryOf(e.currentTarget));
  };
  return (
    <>
      <ul className={styles.attachments} aria-label={`${attachments.length} file${attachments.length === 1 ? "" : "s"}`} data-testid="attachments">
        {attachments.map((a) =>
          a.thumbnailUrl && a.width && a.height ? (
            <li key={a.id} className={styles.image} style={shownBox(a.width, a.height)}>
              <a
                href={a.url}
                target="_blank"
                rel="noopener"
                title={a.name}
                data-width={a.width}
                data-height={a.height}
                onClick={openViewer}
                onPointerEnter={ImageViewer.preload}
                onFocus={ImageViewer.preload}
                data-testid="attachment-image"
              >
                {/* eslint-disable-next-line @next/next/no-img-element -- a private, already-sized thumbnail: nothing for next/image to optimise */}
                <img src={a.thumbnailUrl} alt={a.name} {...thumbnailSize(a.width, a.height)} loading="lazy" decoding="async" />
              </a>
            </li>
          ) : (
            <li key={a.id}>
              <a href={a.url} download={a.name} className={styles.file} data-testid="attachment-file">
                <svg width="28" height="28" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
                  <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
                  <path d="M14 3v5h5" />
                </svg>
                <span className={styles.fileText}>
                  <bdi className={styles.fileName}>{a.name}</bdi>
                  <span className={styles.fileSize}>{fileSize(a.size)}</span>
                </span>
              </a>
            </li>
          ),
        )}
      </ul>
      {viewing && <ImageViewer {...viewing} onClose={() => setViewing(null)} />}
    </>
  );
}
