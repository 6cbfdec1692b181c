import Link from "next/link";
import { EmptyState } from "@/components/shell/EmptyState";

export default function ProfileNotFound() {
  return (
    <EmptyState title="No such person">
      <p>
        There is no one with that username. <Link href="/people">Search People</Link>
      </p>
    </EmptyState>
  );
}
