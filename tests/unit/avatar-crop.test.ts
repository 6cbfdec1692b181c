/** The crop dialog's geometry (components/settings/crop.ts): the frame is always covered, and what is saved is what it shows. */
import { clampCrop, cropRect, FRAME, scaleOf, ZOOM } from "@/components/settings/crop";

describe("avatar crop", () => {
  it("fits the shorter side to the frame at zoom 1, centred", () => {
    expect(scaleOf(600, 400, 1)).toBeCloseTo(FRAME / 400);
    const c = clampCrop({ zoom: 1, cx: 300, cy: 200 }, 600, 400);
    expect(cropRect(c, 600, 400)).toEqual({ x: 100, y: 0, side: 400 });
  });

  it("keeps the picture over the whole frame however far it is moved", () => {
    expect(cropRect(clampCrop({ zoom: 1, cx: -1e6, cy: 1e6 }, 600, 400), 600, 400)).toEqual({ x: 0, y: 0, side: 400 });
    expect(cropRect(clampCrop({ zoom: 2, cx: 1e6, cy: 1e6 }, 600, 400), 600, 400)).toEqual({ x: 400, y: 200, side: 200 });
  });

  it("zooms within 1× and 4×", () => {
    expect(clampCrop({ zoom: 0.2, cx: 50, cy: 50 }, 100, 100).zoom).toBe(ZOOM.min);
    expect(clampCrop({ zoom: 9, cx: 50, cy: 50 }, 100, 100).zoom).toBe(ZOOM.max);
    expect(cropRect(clampCrop({ zoom: 4, cx: 50, cy: 50 }, 100, 100), 100, 100).side).toBeCloseTo(25);
  });
});
