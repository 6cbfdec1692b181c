import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ProfileCard } from "@/components/people/ProfileCard";
import { PageHeader } from "@/components/shell/PageHeader";
import { requireSession } from "@/lib/http/current-session";
import { readerTimeZone } from "@/lib/http/time-zone";
import { AppError } from "@/lib/platform/errors";
import { getPublicProfile } from "@/lib/people/directory";

type Props = { params: Promise<{ username: string }> };

async function load(username: string) {
  try {
    return await getPublicProfile({ username });
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { username } = await params;
  return { title: `@${username.toLowerCase()}` };
}

export default async function ProfilePage({ params }: Props) {
  const { user: me } = await requireSession();
  const profile = await load((await params).username);
  return (
    <>
      <PageHeader title={profile.displayName} />
      <ProfileCard profile={profile} isSelf={profile.id === me.id} timeZone={await readerTimeZone()} />
    </>
  );
}
