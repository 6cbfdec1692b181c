import "server-only";
import { headers } from "next/headers";

/**
 * This request's script nonce, from the Content-Security-Policy that proxy.ts put on the request
 * (and on the answer); null when there is none. For the rare inline script a page renders itself
 * (Next puts it on its own): without it, the browser refuses to run the script.
 */
export async function cspNonce(): Promise<string | null> {
  const policy = (await headers()).get("content-security-policy") ?? "";
  return /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1] ?? null;
}
