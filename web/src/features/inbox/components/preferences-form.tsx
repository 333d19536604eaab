import { ErrorMessage } from "@/components/error-message";
import { usePreferences, useSavePreferences, type PreferenceChoices } from "../api/inbox-api";

const CATEGORIES: { key: keyof PreferenceChoices; label: string; hint: string }[] = [
  { key: "shares", label: "Shares", hint: "A link you made was created or opened." },
  { key: "activity", label: "Activity", hint: "Files uploaded, trashed, restored or deleted." },
  { key: "storage", label: "Storage", hint: "Your storage is almost or completely full." },
];

/** Which categories reach the person, by e-mail and here; security notices always do. */
export function PreferencesForm() {
  const preferences = usePreferences();
  const save = useSavePreferences();

  return (
    <section aria-labelledby="preferences-title">
      <h2 id="preferences-title">What you hear about</h2>
      <p className="muted">By e-mail and in this inbox. Security notices (password, sign-ins) always reach you.</p>
      <ErrorMessage error={preferences.error ?? save.error} />
      {preferences.data && (
        <form
          // A new form when the saved choices change, so its checkboxes start from them.
          key={JSON.stringify(preferences.data)}
          onSubmit={(event) => {
            event.preventDefault();
            const form = new FormData(event.currentTarget);
            save.mutate({
              shares: form.has("shares"),
              activity: form.has("activity"),
              storage: form.has("storage"),
            });
          }}
        >
          <fieldset>
            <legend className="visually-hidden">Categories</legend>
            {CATEGORIES.map(({ key, label, hint }) => (
              <div className="check" key={key}>
                <input
                  type="checkbox"
                  id={`preference-${key}`}
                  name={key}
                  defaultChecked={preferences.data[key]}
                  aria-describedby={`preference-${key}-hint`}
                />
                <label htmlFor={`preference-${key}`}>{label}</label>
                <p className="hint" id={`preference-${key}-hint`}>
                  {hint}
                </p>
              </div>
            ))}
          </fieldset>
          <button type="submit" className="button" disabled={save.isPending}>
            Save preferences
          </button>
          {save.isSuccess && (
            <p className="muted" role="status">
              Saved.
            </p>
          )}
        </form>
      )}
    </section>
  );
}
