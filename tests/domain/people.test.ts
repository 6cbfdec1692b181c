/** Profiles against PostgreSQL alone: `user.updated` is published when, and only when, a shown field changed. */
import { updateProfile } from "@/lib/people/profile";
import { toPublicUser } from "@/lib/people/types";
import { newPerson, recordEvents } from "../support/domain";

const recording = recordEvents();
afterAll(() => recording.stop());
beforeEach(() => recording.clear());

test("a new display name, bio or avatar is published as the public profile", async () => {
  const ann = await newPerson();
  const renamed = await updateProfile({ userId: ann.id, changes: { displayName: "Ann Example" } });
  const described = await updateProfile({ userId: ann.id, changes: { bio: "Climbs on weekends" } });
  expect(described).toMatchObject({ displayName: "Ann Example", bio: "Climbs on weekends" });
  expect(recording.events).toEqual([
    { type: "user.updated", user: toPublicUser(renamed) },
    { type: "user.updated", user: toPublicUser(described) },
  ]);
});

test("saving the same values, or nothing, publishes nothing", async () => {
  const ann = await newPerson();
  await updateProfile({ userId: ann.id, changes: { displayName: "Same", bio: "Same" } });
  recording.clear();
  await updateProfile({ userId: ann.id, changes: { displayName: "Same", bio: "Same", avatar: null } });
  await updateProfile({ userId: ann.id, changes: {} });
  expect(recording.events).toEqual([]);
});

test("an account deleted meanwhile is refused unauthorized and nothing is published", async () => {
  await expect(updateProfile({ userId: "00000000-0000-4000-8000-000000000000", changes: { displayName: "Ghost" } })).rejects.toMatchObject({ code: "unauthorized" });
  expect(recording.events).toEqual([]);
});
