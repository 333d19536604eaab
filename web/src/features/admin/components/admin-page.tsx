import { useState } from "react";
import { useCurrentCustomer } from "@/lib/auth/use-current-customer";
import type { AdminCustomer } from "../api/admin-api";
import { CustomersSection } from "./customers-section";
import { DeliveriesSection } from "./deliveries-section";

/** For admins: customers (disable, enable, quota) and the mail deliveries. */
export function AdminPage() {
  const customer = useCurrentCustomer();
  const [mailsOf, setMailsOf] = useState<AdminCustomer>();
  if (!customer.data) return null;
  if (!customer.data.roles.includes("admin"))
    return (
      <>
        <h1>Admin</h1>
        <p>Only administrators can open this page.</p>
      </>
    );
  return (
    <>
      <h1>Admin</h1>
      <CustomersSection onShowMails={setMailsOf} />
      <DeliveriesSection customer={mailsOf} onShowAll={() => setMailsOf(undefined)} />
    </>
  );
}
