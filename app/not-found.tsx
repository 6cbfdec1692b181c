/**
 * The 404 page. Its link is a plain anchor, not next/link: the not-found boundary's client code is
 * loaded by every page up front, and next/link here cost each of them a script of its own (about
 * 4 KB compressed, docs/web-performance.md) for a page almost no one sees.
 */
export default function NotFound() {
  return (
    <main style={{ display: "grid", placeItems: "center", minHeight: "100dvh", textAlign: "center", padding: 24 }}>
      <div>
        <h1>Page not found</h1>
        <p>
          <a href="/">Back to Parley</a>
        </p>
      </div>
    </main>
  );
}
