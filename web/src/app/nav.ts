import type { ComponentType } from "react";
import { UnreadCount } from "@/features/inbox/components/unread-count";

/** The navigation, in order. A feature's entry is added here with its route in routes.tsx. */
export type NavEntry = { to: string; label: string; end?: boolean; adminOnly?: boolean; badge?: ComponentType };

export const NAV: NavEntry[] = [
  { to: "/", label: "Files", end: true },
  { to: "/trash", label: "Trash" },
  { to: "/usage", label: "Usage" },
  { to: "/shares", label: "Shares" },
  { to: "/inbox", label: "Inbox", badge: UnreadCount },
  { to: "/account", label: "Account" },
  { to: "/admin", label: "Admin", adminOnly: true },
];
