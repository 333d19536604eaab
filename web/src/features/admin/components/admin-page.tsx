import { useCurrentCustomer } from "@/lib/auth/use-current-customer";
import { CustomersSection } from "./customers-section";
import { DeliveriesSection } from "./deliveries-section";

/** For admins: customers (disable, enable, quota) and the mail deliveries. */
export function AdminPage() {
  const customer = useCurrentCustomer();
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
      <CustomersSection />
      <DeliveriesSection />
    </>
  );
}
