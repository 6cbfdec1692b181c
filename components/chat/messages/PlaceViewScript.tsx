"use client";

import { useHydrated } from "../hooks/useHydrated";
import { PLACE_VIEW_SCRIPT } from "./place-view";

/**
 * The inline script that places the server-rendered message list before the first paint
 * (./place-view.ts), rendered after the conversation with the response's CSP nonce. Only in the
 * server's HTML and while it hydrates: on a client-side navigation, and once hydrated, there is
 * no such paint to place (MessageList does it), so nothing is rendered.
 */
export function PlaceViewScript({ nonce }: { nonce: string }) {
  const hydrated = useHydrated();
  if (hydrated) return null;
  // (the browser hides a nonce from the DOM, and each build minifies the script its own way)
  return <script nonce={nonce} dangerouslySetInnerHTML={{ __html: PLACE_VIEW_SCRIPT }} suppressHydrationWarning />;
}
