import { useQueryClient } from "@tanstack/react-query";
import { Suspense } from "react";
import { NavLink, Outlet, useNavigate } from "react-router";
import { signOut } from "@/features/auth/api/auth-api";
import { forgetUploads } from "@/features/uploads/api/forget-uploads";
import { useCurrentCustomer } from "@/lib/auth/use-current-customer";
import { NAV } from "./nav";

/** Every signed-in page: a skip link, the brand, the navigation, the person and sign-out. */
export function Layout() {
  const customer = useCurrentCustomer();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const isAdmin = customer.data?.roles.includes("admin") ?? false;

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <p className="brand">Coffer</p>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((entry) => !entry.adminOnly || isAdmin).map((entry) => (
              <li key={entry.to}>
                <NavLink to={entry.to} end={entry.end ?? false}>
                  {entry.label}
                  {entry.badge && <entry.badge />}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          {customer.data && <span className="muted">{customer.data.displayName}</span>}
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={async () => {
              await forgetUploads().catch(() => undefined);
              await signOut().catch(() => undefined);
              queryClient.clear();
              navigate("/sign-in", { replace: true });
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="wide">
        <Suspense
          fallback={
            <p className="loading" role="status">
              Loading…
            </p>
          }
        >
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}
