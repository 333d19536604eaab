import type { RouteObject } from "react-router";
import { NotFound } from "@/components/not-found";
import { RouteError } from "@/components/route-error";
import { SignInPage } from "@/features/auth/components/sign-in-page";
import { SignUpPage } from "@/features/auth/components/sign-up-page";
import { RequireSession } from "@/lib/auth/require-session";
import { Layout } from "./layout";

/**
 * Every page of the app, under the router's basename /app. A feature's page is one entry of the
 * signed-in list (loaded on first visit, so the first load stays small) and one line in nav.ts.
 */
export const routes: RouteObject[] = [
  { path: "/sign-in", element: <SignInPage />, errorElement: <RouteError /> },
  { path: "/sign-up", element: <SignUpPage />, errorElement: <RouteError /> },
  {
    element: (
      <RequireSession>
        <Layout />
      </RequireSession>
    ),
    errorElement: <RouteError />,
    children: [
      {
        errorElement: <RouteError />,
        children: [
          { index: true, lazy: () => import("./routes/files").then((m) => ({ Component: m.FilesRoute })) },
          { path: "/folders/:id", lazy: () => import("./routes/files").then((m) => ({ Component: m.FilesRoute })) },
          { path: "/trash", lazy: () => import("./routes/trash").then((m) => ({ Component: m.TrashRoute })) },
          { path: "/usage", lazy: () => import("./routes/usage").then((m) => ({ Component: m.UsageRoute })) },
          { path: "/shares", lazy: () => import("./routes/shares").then((m) => ({ Component: m.SharesRoute })) },
          { path: "/inbox", lazy: () => import("./routes/inbox").then((m) => ({ Component: m.InboxRoute })) },
          { path: "/account", lazy: () => import("./routes/account").then((m) => ({ Component: m.AccountRoute })) },
          { path: "/admin", lazy: () => import("./routes/admin").then((m) => ({ Component: m.AdminRoute })) },
          { path: "*", element: <NotFound /> },
        ],
      },
    ],
  },
];
