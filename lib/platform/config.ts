/** Environment, read in one place. server.ts fills in DATABASE_URL and the secret before Next starts. */
export const config = {
  get rateLimitsOn(): boolean {
    return process.env.RATE_LIMITS !== "off";
  },
  get authSecret(): string | undefined {
    return process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  },
  /** Cookies get the Secure flag and the `__Secure-` prefix when the public URL is https. */
  get secureCookies(): boolean {
    return (process.env.NEXTAUTH_URL ?? "").startsWith("https://");
  },
};
