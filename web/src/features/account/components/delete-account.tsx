import { useNavigate } from "react-router";
import { ErrorMessage } from "@/components/error-message";
import { useDeleteAccount } from "../api/account-api";

/** The end of the account: the password confirms it. */
export function DeleteAccount() {
  const remove = useDeleteAccount();
  const navigate = useNavigate();
  return (
    <section className="panel" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete your account</h2>
      <p>Your files, versions, shares and personal data are erased, and every session ends. This cannot be undone.</p>
      <ErrorMessage error={remove.error} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const password = String(new FormData(event.currentTarget).get("password"));
          remove.mutate(password, { onSuccess: () => navigate("/sign-in", { replace: true }) });
        }}
      >
        <div className="field">
          <label htmlFor="delete-password">Your password, to confirm</label>
          <input
            id="delete-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={128}
          />
        </div>
        <button type="submit" className="button button--danger" disabled={remove.isPending}>
          Delete my account
        </button>
      </form>
    </section>
  );
}
