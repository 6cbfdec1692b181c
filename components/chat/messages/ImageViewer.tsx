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
export function ImageViewer({ images, start, onClose }: { images: ViewerImage[]; start: number; onClose(): void }) {
  const [index, setIndex] = useState(() => Math.min(Math.max(0, start), images.length - 1));
  const image = images[index];
  const many = images.length > 1;
  const step = (by: number) => setIndex((i) => Math.min(images.length - 1, Math.max(0, i + by)));
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

  // the next and previous images start loading now, so a step shows them at once
  useEffect(() => {
    for (const near of [images[index + 1], images[index - 1]]) if (near) new Image().src = near.url;
  }, [images, index]);

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
            src={image.url}
            alt={image.name}
            width={image.width}
            height={image.height}
            className={styles.image}
            style={{ backgroundImage: `url("${image.thumbnailUrl}")` }}
            data-testid="image-viewer-image"
          />
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
