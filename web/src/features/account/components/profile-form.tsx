import { ErrorMessage } from "@/components/error-message";
import { useCurrentCustomer } from "@/lib/auth/use-current-customer";
import { useUpdateProfile } from "../api/account-api";

const LOCALES = [
  { value: "en", label: "English" },
  { value: "fr", label: "Français" },
];

/** The display name (in mails and shares) and the language of Coffer's mails. */
export function ProfileForm() {
  const customer = useCurrentCustomer();
  const update = useUpdateProfile();
  const current = customer.data;

  return (
    <section className="panel" aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <ErrorMessage error={customer.error ?? update.error} />
      {current && (
        <form
          key={`${current.displayName}|${current.locale}`}
          onSubmit={(event) => {
            event.preventDefault();
            const form = new FormData(event.currentTarget);
            update.mutate({ displayName: String(form.get("displayName")).trim(), locale: String(form.get("locale")) });
          }}
        >
          <div className="field">
            <label htmlFor="profile-name">Display name</label>
            <p className="hint" id="profile-name-hint">
              Shown to the people you share files with.
            </p>
            <input
              id="profile-name"
              name="displayName"
              type="text"
              required
              maxLength={100}
              autoComplete="name"
              defaultValue={current.displayName}
              aria-describedby="profile-name-hint"
            />
          </div>
          <div className="field">
            <label htmlFor="profile-locale">Language of e-mails</label>
            <select id="profile-locale" name="locale" defaultValue={current.locale.startsWith("fr") ? "fr" : "en"}>
              {LOCALES.map(({ value, label }) => (
                <option key={value} value={value} lang={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button" disabled={update.isPending}>
            Save profile
          </button>
          {update.isSuccess && (
            <p className="muted" role="status">
              Saved.
            </p>
          )}
        </form>
      )}
    </section>
  );
}
