"use client";

import { useEffect, useRef, useState } from "react";
import { Dialog } from "../Dialog";
import styles from "./ImageViewer.module.scss";

/** One image the viewer can show: the full file, its thumbnail (shown while the file loads), its name and size in pixels. */
export interface ViewerImage {
  url: string;
  thumbnailUrl: string;
  name: string;
  width: number;
  height: number;
}

/**
 * Images with more pixels than this are shown as their thumbnail, not loaded whole: a 50-megapixel
 * image takes 200 MB of the reader's memory once decoded, and a message may carry ten.
 */
export const VIEWER_MAX_PIXELS = 40_000_000;

/** How far a finger must move sideways to step to the next image, in CSS pixels. */
const SWIPE_PX = 50;

/**
 * The full-size image viewer (issue 14, item 2): one image of `images` at a time, from `start`,
 * fitted to the window, with its thumbnail drawn under it until the full image arrives. ← and →
 * (and the buttons beside it) step through the conversation's images, Home and End go to the first
 * and last, and so does a sideways swipe on a touch screen; Escape, the close button or a click on the dark backdrop closes it, and the focus goes
 * back to the thumbnail that opened it (../Dialog.tsx). The neighbours are fetched ahead so a step
 * shows at once. The name is text (a title), never markup.
 * As Zulip's lightbox and Slack's file viewer do: arrows move through all the images on screen.
 */
export function ImageViewer({ images: first, start, refresh, onClose }: { images: ViewerImage[]; start: number; refresh?(): ViewerImage[]; onClose(): void }) {
  const [{ images, index }, setShown] = useState(() => ({ images: first, index: Math.min(Math.max(0, start), first.length - 1) }));
  const image = images[index];
  const many = images.length > 1;
  // each step reads the conversation's images again: one whose message was deleted is gone (and,
  // if it is the one shown, the viewer closes), one that arrived can be reached
  const step = (by: number) =>
    setShown((shown) => {
      const now = refresh?.() ?? shown.images;
      const at = now.findIndex((i) => i.url === shown.images[shown.index].url);
      if (at < 0) {
        queueMicrotask(onClose);
        return shown;
      }
      return { images: now, index: Math.min(now.length - 1, Math.max(0, at + by)) };
    });
  const huge = image.width * image.height > VIEWER_MAX_PIXELS;
  // a swipe on a touch screen: a mostly sideways move of at least SWIPE_PX steps against it
  const swipeFrom = useRef<{ x: number; y: number } | null>(null);

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      const to = { ArrowLeft: -1, ArrowRight: 1, Home: -images.length, End: images.length }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      step(to);
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
    // step only reads images.length
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [images.length]);

  // the next and previous images start loading now, so a step shows them at once (not the huge ones)
  useEffect(() => {
    for (const near of [images[index + 1], images[index - 1]]) if (near && near.width * near.height <= VIEWER_MAX_PIXELS) new Image().src = near.url;
  }, [images, index]);

  // the shown image's message deleted (or the conversation left) while it is open: the viewer closes
  const shownUrl = useRef(image.url);
  shownUrl.current = image.url;
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const list = document.querySelector('[data-testid="message-list"]');
    if (!refresh || !list) return;
    const observer = new MutationObserver(() => {
      if (!refresh().some((i) => i.url === shownUrl.current)) closeRef.current();
    });
    observer.observe(list, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [refresh]);

  // closed because its message went away (deleted, or the conversation left): the focus, which was
  // in the viewer and whose opener went too, goes to the conversation's messages, not the page's body
  useEffect(() => {
    const list = document.querySelector<HTMLElement>('[data-testid="message-list"]');
    return () => {
      setTimeout(() => {
        if ((document.activeElement === null || document.activeElement === document.body) && list?.isConnected) list.focus();
      }, 0);
    };
  }, []);

  return (
    <Dialog title={image.name} onClose={onClose} fill>
      <div className={styles.viewer} data-testid="image-viewer">
        <div
          className={styles.stage}
          onPointerDown={(e) => (swipeFrom.current = e.pointerType === "mouse" ? null : { x: e.clientX, y: e.clientY })}
          onPointerUp={(e) => {
            const from = swipeFrom.current;
            swipeFrom.current = null;
            if (!from) return;
            const dx = e.clientX - from.x;
            if (Math.abs(dx) >= SWIPE_PX && Math.abs(dx) > 2 * Math.abs(e.clientY - from.y)) step(dx < 0 ? 1 : -1);
          }}
        >
          {/* eslint-disable-next-line @next/next/no-img-element -- a private file served by Parley's API: nothing for next/image to optimise */}
          <img
            key={image.url}
            src={huge ? image.thumbnailUrl : image.url}
            alt={image.name}
            width={image.width}
            height={image.height}
            className={styles.image}
            style={{ backgroundImage: `url("${image.thumbnailUrl}")` }}
            data-testid="image-viewer-image"
          />
          {huge && (
            <p className={styles.reduced} data-testid="image-viewer-reduced">
              {Math.round((image.width * image.height) / 1e6)} megapixels: shown reduced. Download it to see it whole.
            </p>
          )}
        </div>
        <div className={styles.bar}>
          <span />
          <div className={styles.steps}>
            {many && (
              <button type="button" className={styles.step} onClick={() => step(-1)} disabled={index === 0} aria-label="Previous image" aria-keyshortcuts="ArrowLeft">
                <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
                  <path d="m15 18-6-6 6-6" />
                </svg>
              </button>
            )}
            <span className={styles.count} aria-live="polite" data-testid="image-viewer-count">
              {many ? `${index + 1} of ${images.length}` : ""}
            </span>
            {many && (
              <button type="button" className={styles.step} onClick={() => step(1)} disabled={index === images.length - 1} aria-label="Next image" aria-keyshortcuts="ArrowRight">
                <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
                  <path d="m9 18 6-6-6-6" />
                </svg>
              </button>
            )}
          </div>
          <a className={styles.original} href={image.url} download={image.name}>
            Download
          </a>
        </div>
      </div>
    </Dialog>
  );
}
