import { useCurrentCustomer } from "@/lib/auth/use-current-customer";
import { DeleteAccount } from "./delete-account";
import { PasswordForm } from "./password-form";
import { ProfileForm } from "./profile-form";
import { SessionsList } from "./sessions-list";

export function AccountPage() {
  const customer = useCurrentCustomer();
  return (
    <>
      <h1>Account</h1>
      {customer.data && <p className="muted">Signed in as {customer.data.email}.</p>}
      <ProfileForm />
      <PasswordForm />
      <SessionsList />
      <DeleteAccount />
    </>
  );
}
