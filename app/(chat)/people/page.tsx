import type { Metadata } from "next";
import { PeopleSearch } from "@/components/people/PeopleSearch";
import { PageHeader } from "@/components/shell/PageHeader";
import { requireSession } from "@/lib/http/current-session";

export const metadata: Metadata = { title: "People" };

export default async function PeoplePage() {
  const { user } = await requireSession();
  return (
    <>
      <PageHeader title="People" />
      <PeopleSearch meId={user.id} />
    </>
  );
}
