import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router";
import { AppProvider } from "./app/provider";
import { routes } from "./app/routes";
import "./styles.css";

// The gateway also serves the app at "/" ("Open Coffer" in mails): its pages live under /app.
if (location.pathname !== "/app" && !location.pathname.startsWith("/app/")) history.replaceState(null, "", "/app/");

const router = createBrowserRouter(routes, { basename: "/app" });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <AppProvider>
      <RouterProvider router={router} />
    </AppProvider>
  </StrictMode>,
);
