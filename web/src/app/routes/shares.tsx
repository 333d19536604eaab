import { SharesPage } from "@/features/shares/components/shares-page";

export function SharesRoute() {
  return <SharesPage />;
}
