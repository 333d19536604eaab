import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router";
import { ErrorMessage } from "@/components/error-message";
import { nextPath } from "@/lib/auth/next-path";
import { useSession } from "@/lib/auth/use-session";
import { signIn } from "../api/auth-api";

export function SignInPage() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const next = nextPath(location.search);
  const heading = useRef<HTMLHeadingElement>(null);
  const mutation = useMutation({
    mutationFn: signIn,
    onSuccess: () => navigate(next, { replace: true }),
  });
  useEffect(() => heading.current?.focus(), []);

  if (session.status === "signed-in" && !mutation.isPending) return <Navigate to={next} replace />;
  const reason = session.status === "signed-out" ? session.reason : undefined;

  return (
    <main className="narrow" id="main">
      <p className="brand">Coffer</p>
      <h1 ref={heading} tabIndex={-1}>
        Sign in
      </h1>
      {reason && !mutation.error && (
        <p className="notice" role="status">
          {reason}
        </p>
      )}
      <ErrorMessage error={mutation.error} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          mutation.mutate({ email: String(form.get("email")), password: String(form.get("password")) });
        }}
      >
        <div className="field">
          <label htmlFor="email">E-mail address</label>
          <input id="email" name="email" type="email" autoComplete="email" required />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <button type="submit" className="button" disabled={mutation.isPending}>
          {mutation.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p>
        New to Coffer? <Link to="/sign-up">Create an account</Link>
      </p>
      <p>
        <a href="/forgot-password">Forgot your password?</a>
      </p>
    </main>
  );
}
