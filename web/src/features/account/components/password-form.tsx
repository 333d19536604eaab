import { ErrorMessage } from "@/components/error-message";
import { useChangePassword } from "../api/account-api";

/** A new password; the server ends every other session with it. */
export function PasswordForm() {
  const change = useChangePassword();
  return (
    <section className="panel" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <ErrorMessage error={change.error} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const fields = new FormData(form);
          change.mutate(
            { currentPassword: String(fields.get("currentPassword")), newPassword: String(fields.get("newPassword")) },
            { onSuccess: () => form.reset() },
          );
        }}
      >
        <div className="field">
          <label htmlFor="password-current">Current password</label>
          <input
            id="password-current"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            maxLength={128}
          />
        </div>
        <div className="field">
          <label htmlFor="password-new">New password</label>
          <p className="hint" id="password-new-hint">
            At least 10 characters. Your other sessions end when it changes.
          </p>
          <input
            id="password-new"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            maxLength={128}
            aria-describedby="password-new-hint"
          />
        </div>
        <button type="submit" className="button" disabled={change.isPending}>
          Change password
        </button>
        {change.isSuccess && (
          <p className="muted" role="status">
            Password changed. Your other sessions were ended.
          </p>
        )}
      </form>
    </section>
  );
}
