import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/LoginForm";
import { getCurrentSession } from "@/lib/http/current-session";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (await getCurrentSession()) redirect("/");
  const { deleted } = await searchParams;
  return <LoginForm notice={deleted === "1" ? "Your account was deleted. Thank you for using Parley." : undefined} />;
}
