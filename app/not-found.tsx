import Link from "next/link";

export default function NotFound() {
  return (
    <main style={{ display: "grid", placeItems: "center", minHeight: "100dvh", textAlign: "center", padding: 24 }}>
      <div>
        <h1>Page not found</h1>
        <p>
          <Link href="/">Back to Parley</Link>
        </p>
      </div>
    </main>
  );
}
