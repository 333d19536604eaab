import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { ErrorMessage } from "@/components/error-message";
import { signUp } from "../api/auth-api";

export function SignUpPage() {
  const [sentTo, setSentTo] = useState<string>();
  const mutation = useMutation({ mutationFn: signUp, onSuccess: (_, input) => setSentTo(input.email) });

  if (sentTo)
    return (
      <main className="narrow" id="main">
        <p className="brand">Coffer</p>
        <h1>Check your mail</h1>
        <p role="status">
          We sent a link to <strong>{sentTo}</strong>. Open it to verify your address, then sign in.
        </p>
        <Link to="/sign-in">Sign in</Link>
      </main>
    );

  return (
    <main className="narrow" id="main">
      <p className="brand">Coffer</p>
      <h1>Create your account</h1>
      <ErrorMessage error={mutation.error} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          mutation.mutate({
            displayName: String(form.get("displayName")),
            email: String(form.get("email")),
            password: String(form.get("password")),
          });
        }}
      >
        <div className="field">
          <label htmlFor="displayName">Your name</label>
          <input id="displayName" name="displayName" type="text" autoComplete="name" required maxLength={100} />
        </div>
        <div className="field">
          <label htmlFor="email">E-mail address</label>
          <input id="email" name="email" type="email" autoComplete="email" required />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <p className="hint" id="password-hint">
            At least 10 characters.
          </p>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            aria-describedby="password-hint"
          />
        </div>
        <button type="submit" className="button" disabled={mutation.isPending}>
          {mutation.isPending ? "Creating…" : "Create account"}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </main>
  );
}
