import { InboxPage } from "@/features/inbox/components/inbox-page";

export function InboxRoute() {
  return <InboxPage />;
}
