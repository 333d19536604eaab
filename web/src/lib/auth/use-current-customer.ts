import { useQuery } from "@tanstack/react-query";
import { customerApi, unwrap } from "../api/clients";

export const CURRENT_CUSTOMER_KEY = ["customers", "me"] as const;

/** The signed-in person: id, e-mail, display name, locale, roles. */
export function useCurrentCustomer() {
  return useQuery({ queryKey: CURRENT_CUSTOMER_KEY, queryFn: () => unwrap(customerApi.GET("/customers/me")) });
}
