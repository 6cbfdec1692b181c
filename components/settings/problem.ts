/** The error message of an API answer (the DESIGN error shape), or a generic line when it has none. */
export async function problemOf(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `The server answered ${res.status}. Try again.`;
}
