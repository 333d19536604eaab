/** The navigation, in order. A feature's entry is added here with its route in routes.tsx. */
export type NavEntry = { to: string; label: string; end?: boolean; adminOnly?: boolean };

export const NAV: NavEntry[] = [
  { to: "/", label: "Files", end: true },
  { to: "/trash", label: "Trash" },
  { to: "/usage", label: "Usage" },
];
