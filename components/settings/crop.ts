/** The crop dialog's geometry (./AvatarCrop.tsx), pure: where the picture sits behind the square frame, and what is saved. */

/** The crop frame's side on screen, in CSS pixels (it fits a 390 px phone inside the dialog). */
export const FRAME = 264;
/** The zoom slider's range, and what one + or − adds. */
export const ZOOM = { min: 1, max: 4, step: 0.1 } as const;
/** Where the picture sits: `zoom` over the smallest size that covers the frame, and the image point (natural pixels) at the frame's centre. */
export interface Crop {
  zoom: number;
  cx: number;
  cy: number;
}

/** Screen pixels per image pixel at `zoom`, for an image of `w`×`h` in a frame of `frame`. */
export const scaleOf = (w: number, h: number, zoom: number, frame = FRAME) => Math.max(frame / w, frame / h) * zoom;

/** `crop` moved back inside the image: the frame is always covered, never shows past an edge. */
export function clampCrop(crop: Crop, w: number, h: number, frame = FRAME): Crop {
  const zoom = Math.min(ZOOM.max, Math.max(ZOOM.min, crop.zoom));
  const half = frame / 2 / scaleOf(w, h, zoom, frame);
  const within = (v: number, size: number) => Math.min(size - half, Math.max(half, v));
  return { zoom, cx: within(crop.cx, w), cy: within(crop.cy, h) };
}

/** The square of the image (natural pixels) that the frame shows: what is saved. */
export function cropRect(crop: Crop, w: number, h: number, frame = FRAME): { x: number; y: number; side: number } {
  const side = frame / scaleOf(w, h, crop.zoom, frame);
  return { x: crop.cx - side / 2, y: crop.cy - side / 2, side };
}
