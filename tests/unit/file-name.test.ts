/** Uploaded files' names as stored and offered back (lib/attachments/file-name.ts `cleanFileName`, used by upload.ts). */
import { cleanFileName } from "@/lib/attachments/file-name";

describe("cleanFileName", () => {
  it("names a file of only dots, however many, \"file\"", () => {
    for (const raw of [".", "..", "...", "....", " ... ", "a/...", "..\\...", ".\u202e..", "\u200e..\u0007."]) {
      expect([raw, cleanFileName(raw)]).toEqual([raw, "file"]);
    }
  });

  it("keeps names that merely start or end with dots", () => {
    expect(cleanFileName(".bashrc")).toBe(".bashrc");
    expect(cleanFileName("...txt")).toBe("...txt");
    expect(cleanFileName("notes.")).toBe("notes.");
    expect(cleanFileName(". .")).toBe(". .");
  });

  it("keeps the last path segment without controls or bidi overrides, and names an empty one \"file\"", () => {
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("invoice\u202egpj.exe")).toBe("invoicegpj.exe");
    expect(cleanFileName("")).toBe("file");
    expect(cleanFileName("dir/")).toBe("file");
  });
});
