import { describeError } from "../lib/api/errors";

/** An API error in words, announced to screen readers. Renders nothing without an error. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="notice notice--error" role="alert">
      {describeError(error)}
    </p>
  );
}
