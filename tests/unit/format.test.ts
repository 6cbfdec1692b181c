/**
 * Times in the chat UI (components/chat/messages/format.ts) in a given time zone: what the server
 * renders for a reader in that zone and what hydration must repeat (hooks/useNow.ts), and in the
 * runtime's own zone when none is given. Calendar days are the zone's, not UTC's.
 */
import { clockTime, dayLabel, daysBetween, fullTime, listTime, relativeTime } from "@/components/chat/messages/format";
import { offsetAt, timeZoneOrUtc } from "@/lib/platform/time-zone";
import { zoneOffsets } from "@/lib/platform/zone-offsets";

/** UTC+14 and UTC−10: 24 hours apart, so one instant falls on different dates in the two. */
const KIRITIMATI = "Pacific/Kiritimati";
const HONOLULU = "Pacific/Honolulu";

describe("times in a time zone", () => {
  const at = "2026-03-10T20:30:00.000Z";

  it("shows the clock of the zone", () => {
    expect(clockTime(at, "UTC")).toBe("20:30");
    expect(clockTime(at, KIRITIMATI)).toBe("10:30");
    expect(clockTime(at, HONOLULU)).toBe("10:30");
    expect(fullTime(at, KIRITIMATI)).toBe("Wednesday, March 11, 2026 at 10:30 AM");
    expect(fullTime(at, HONOLULU)).toBe("Tuesday, March 10, 2026 at 10:30 AM");
  });

  it("counts the hours after midnight from 00, as browsers do (Node's \"en\" with hour12: false says 24)", () => {
    expect(clockTime("2026-12-01T00:05:00.000Z", "UTC")).toBe("00:05");
    expect(clockTime("2026-12-01T10:00:00.000Z", "Etc/GMT-14")).toBe("00:00");
    expect(clockTime("2026-12-01T23:59:00.000Z", "UTC")).toBe("23:59");
    expect(relativeTime("2026-12-01T00:05:00.000Z", new Date("2026-12-01T09:00:00.000Z"), "UTC")).toBe("00:05");
    expect(listTime("2026-12-01T00:05:00.000Z", new Date("2026-12-01T09:00:00.000Z"), "UTC")).toBe("00:05");
    expect(relativeTime("2026-11-30T00:05:00.000Z", new Date("2026-12-01T09:00:00.000Z"), "UTC")).toBe("Yesterday 00:05");
  });

  it("counts calendar days in the zone", () => {
    const later = new Date("2026-03-10T23:30:00.000Z");
    // 20:30 and 23:30 UTC: the same day in UTC and in Honolulu; in Kiritimati 10:30 and 13:30 on the 11th
    expect(daysBetween(new Date(at), later, "UTC")).toBe(0);
    const nextUtcDay = new Date("2026-03-11T09:00:00.000Z");
    expect(daysBetween(new Date(at), nextUtcDay, "UTC")).toBe(1);
    // Kiritimati: 10:30 and 23:00 on the 11th, the same day
    expect(daysBetween(new Date(at), nextUtcDay, KIRITIMATI)).toBe(0);
    // Honolulu: 10:30 on the 10th, 23:00 on the 10th
    expect(daysBetween(new Date(at), nextUtcDay, HONOLULU)).toBe(0);
    expect(daysBetween(new Date("2026-03-10T09:00:00.000Z"), nextUtcDay, KIRITIMATI)).toBe(1);
  });

  it("labels days as the reader's calendar has them, across a year's end", () => {
    const now = new Date("2027-01-01T02:00:00.000Z");
    const message = "2026-12-31T20:00:00.000Z";
    expect(dayLabel(message, now, "UTC")).toBe("Yesterday");
    expect(dayLabel(message, now, KIRITIMATI)).toBe("Today");
    expect(dayLabel("2026-12-25T12:00:00.000Z", now, "UTC")).toBe("December 25, 2026");
    expect(dayLabel("2026-12-25T12:00:00.000Z", now, HONOLULU)).toBe("Friday, December 25");
    expect(relativeTime(message, now, "UTC")).toBe("Yesterday 20:00");
    expect(relativeTime(message, now, KIRITIMATI)).toBe("10:00");
    expect(listTime(message, now, "UTC")).toBe("Yesterday");
    expect(listTime(message, now, KIRITIMATI)).toBe("10:00");
    expect(listTime("2026-12-28T20:00:00.000Z", now, HONOLULU)).toBe("Mon");
    expect(listTime("2026-12-28T20:00:00.000Z", now, KIRITIMATI)).toBe("Tue");
  });

  it("without a zone uses the runtime's own", () => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const now = new Date("2026-06-01T12:00:00.000Z");
    for (const iso of ["2026-05-31T23:59:00.000Z", "2026-06-01T00:01:00.000Z", "2026-05-20T08:00:00.000Z"]) {
      expect(clockTime(iso)).toBe(clockTime(iso, zone));
      expect(dayLabel(iso, now)).toBe(dayLabel(iso, now, zone));
      expect(listTime(iso, now)).toBe(listTime(iso, now, zone));
    }
  });
});

describe("the tz cookie", () => {
  it("names a zone this runtime knows, or falls back to UTC", () => {
    expect(timeZoneOrUtc("Europe%2FParis")).toBe("Europe/Paris");
    // (a long-standing alias is named as the runtime's own database names it)
    expect(timeZoneOrUtc("America/Argentina/Buenos_Aires")).toMatch(/^America\/(Argentina\/)?Buenos_Aires$/);
    expect(timeZoneOrUtc("Etc%2FGMT%2B5")).toBe("Etc/GMT+5");
    for (const bad of [undefined, "", "Mars/Olympus_Mons", "%E0%A4%A", "../../etc/passwd", "Europe/Paris<script>", "x".repeat(65), "Europe/Paris\u0000"]) {
      expect(timeZoneOrUtc(bad)).toBe("UTC");
    }
  });
});

describe("a zone as the server's offsets (what hydration formats by)", () => {
  const from = Date.parse("2016-01-01T00:00:00.000Z");
  const to = Date.parse("2026-12-03T00:00:00.000Z");

  it("finds each change of offset to the minute", () => {
    const paris = zoneOffsets("Europe/Paris", from, to);
    // summer time began at 01:00 UTC on March 29th, 2026, and ended at 01:00 UTC on October 25th
    expect(paris.offsets).toContainEqual([Date.parse("2026-03-29T01:00:00.000Z"), 120]);
    expect(paris.offsets).toContainEqual([Date.parse("2026-10-25T01:00:00.000Z"), 60]);
    expect(offsetAt(paris, Date.parse("2026-03-29T00:59:00.000Z"))).toBe(60);
    expect(offsetAt(paris, Date.parse("2026-03-29T01:00:00.000Z"))).toBe(120);
    expect(zoneOffsets("Asia/Kolkata", from, to).offsets).toEqual([[from, 330]]);
  });

  it("gives the same text as the zone's name, for zones with halves, quarters and two changes a year", () => {
    const now = new Date(to - 36 * 3600_000);
    for (const zone of ["Europe/Paris", "America/Vancouver", "Pacific/Chatham", "Australia/Lord_Howe", "Africa/Casablanca", "Asia/Kathmandu", "Etc/GMT-14", "UTC"]) {
      const offsets = zoneOffsets(zone, from, to);
      for (let ms = from + 1234567; ms < to; ms += 3 * 86_400_000 + 3_600_000 + 60_000) {
        const iso = new Date(ms).toISOString();
        expect([zone, clockTime(iso, offsets), fullTime(iso, offsets), dayLabel(iso, now, offsets), listTime(iso, now, offsets)]).toEqual([zone, clockTime(iso, zone), fullTime(iso, zone), dayLabel(iso, now, zone), listTime(iso, now, zone)]);
      }
    }
  });
});
