"use client";

import { useEffect, useId, useState, type KeyboardEvent, type PointerEvent, type WheelEvent } from "react";
import { Dialog } from "@/components/chat/Dialog";
import formStyles from "@/components/Form.module.scss";
import { AVATAR_CROP_PX } from "@/lib/people/rules";
import type { PublicUser } from "@/lib/people/types";
import { clampCrop, cropRect, FRAME, scaleOf, ZOOM, type Crop } from "./crop";
import { problemOf } from "./problem";
import styles from "./AvatarCrop.module.scss";

/** How far an arrow key moves the picture, in screen pixels (Shift: five times). */
const NUDGE = 8;

/** The framed square of `img`, drawn AVATAR_CROP_PX a side, as a WebP (or PNG where the browser has no WebP encoder). */
function cropToBlob(img: HTMLImageElement, crop: Crop): Promise<Blob> {
  const { x, y, side } = cropRect(crop, img.naturalWidth, img.naturalHeight);
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = AVATAR_CROP_PX;
  const ctx = canvas.getContext("2d")!;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(img, x, y, side, side, 0, 0, AVATAR_CROP_PX, AVATAR_CROP_PX);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("no image"))), "image/webp", 0.92));
}

/**
 * The crop dialog (loaded only when a picture is chosen, by ./AvatarSettings.tsx): the image behind
 * a square frame; drag (mouse, pen or finger) or arrow keys to move it, the slider, + and − (or the
 * wheel) to zoom. Save draws the framed square to a canvas and PUTs it to /api/me/avatar, which
 * crops to a square again and re-encodes (a client is never trusted to). Escape or Cancel closes.
 */
export default function AvatarCrop({ file, onClose, onSaved }: { file: File; onClose(): void; onSaved(user: PublicUser): void }) {
  const [url] = useState(() => URL.createObjectURL(file));
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  const [img, setImg] = useState<HTMLImageElement | null>(null);
  const [crop, setCrop] = useState<Crop | null>(null);
  const [drag, setDrag] = useState<{ id: number; x: number; y: number } | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hintId = useId();

  const w = img?.naturalWidth ?? 1;
  const h = img?.naturalHeight ?? 1;
  const update = (next: (c: Crop) => Crop) => setCrop((c) => (c ? clampCrop(next(c), w, h) : c));
  const moveBy = (dx: number, dy: number) => update((c) => ({ ...c, cx: c.cx - dx / scaleOf(w, h, c.zoom), cy: c.cy - dy / scaleOf(w, h, c.zoom) }));
  const zoomTo = (zoom: number) => update((c) => ({ ...c, zoom: Math.round(zoom * 100) / 100 }));

  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.shiftKey ? NUDGE * 5 : NUDGE;
    // the picture moves the way the arrow points, as it follows a drag
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (moves[e.key]) moveBy(...moves[e.key]);
    else if (e.key === "+" || e.key === "=") zoomTo((crop?.zoom ?? 1) + ZOOM.step);
    else if (e.key === "-" || e.key === "_") zoomTo((crop?.zoom ?? 1) - ZOOM.step);
    else return;
    e.preventDefault();
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    setDrag({ id: e.pointerId, x: e.clientX, y: e.clientY });
  };
  const onPointerMove = (e: PointerEvent) => {
    if (!drag || drag.id !== e.pointerId) return;
    moveBy(e.clientX - drag.x, e.clientY - drag.y);
    setDrag({ ...drag, x: e.clientX, y: e.clientY });
  };
  const onWheel = (e: WheelEvent) => zoomTo((crop?.zoom ?? 1) * (e.deltaY < 0 ? 1.1 : 1 / 1.1));

  const save = async () => {
    if (!img || !crop) return;
    setSaving(true);
    setError(null);
    try {
      const form = new FormData();
      form.append("file", await cropToBlob(img, crop), "avatar.webp");
      const res = await fetch("/api/me/avatar", { method: "PUT", body: form });
      if (!res.ok) throw new Error(await problemOf(res));
      onSaved(((await res.json()) as { user: PublicUser }).user);
    } catch (err) {
      setError(err instanceof TypeError ? "Could not reach the server. Try again." : (err as Error).message);
      setSaving(false);
    }
  };

  const scale = scaleOf(w, h, crop?.zoom ?? 1);
  return (
    <Dialog title="Crop your picture" onClose={() => !saving && onClose()}>
      <div className={styles.body} data-testid="avatar-crop">
        <div
          className={styles.frame}
          style={{ width: FRAME, height: FRAME }}
          tabIndex={0}
          role="group"
          aria-label="Picture position"
          aria-describedby={hintId}
          data-testid="avatar-crop-frame"
          data-dragging={drag ? "" : undefined}
          onKeyDown={onKeyDown}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={() => setDrag(null)}
          onPointerCancel={() => setDrag(null)}
          onWheel={onWheel}
        >
          {/* eslint-disable-next-line @next/next/no-img-element -- a local blob: URL, measured and cropped here */}
          <img
            src={url}
            alt=""
            draggable={false}
            className={styles.image}
            onLoad={(e) => {
              const el = e.currentTarget;
              setImg(el);
              setCrop(clampCrop({ zoom: 1, cx: el.naturalWidth / 2, cy: el.naturalHeight / 2 }, el.naturalWidth, el.naturalHeight));
            }}
            onError={() => setError("This file cannot be shown as a picture. Choose a PNG, JPEG, GIF or WebP image.")}
            style={crop ? { width: w * scale, height: h * scale, transform: `translate(${FRAME / 2 - crop.cx * scale}px, ${FRAME / 2 - crop.cy * scale}px)` } : { visibility: "hidden" }}
          />
          <span className={styles.circle} aria-hidden="true" />
        </div>
        <p id={hintId} className={styles.hint}>
          Drag or use the arrow keys to move; + and − to zoom.
        </p>
        <label className={styles.zoom}>
          <span>Zoom</span>
          <input
            type="range"
            min={ZOOM.min}
            max={ZOOM.max}
            step={0.01}
            value={crop?.zoom ?? 1}
            onChange={(e) => zoomTo(Number(e.target.value))}
            data-testid="avatar-zoom"
          />
        </label>
        {error && (
          <div className={formStyles.alert} role="alert">
            {error}
          </div>
        )}
        <div className={styles.actions}>
          <button type="button" className={formStyles.button} onClick={save} disabled={!crop || saving} aria-busy={saving || undefined}>
            {saving ? "Saving…" : "Save picture"}
          </button>
          <button type="button" className={styles.cancel} onClick={onClose} disabled={saving}>
            Cancel
          </button>
        </div>
      </div>
    </Dialog>
  );
}
