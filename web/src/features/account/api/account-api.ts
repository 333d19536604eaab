import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { customerApi, unwrap } from "@/lib/api/clients";
import type { paths } from "@/lib/api/generated/customer-service";
import { endSession } from "@/lib/auth/session";
import { CURRENT_CUSTOMER_KEY } from "@/lib/auth/use-current-customer";

export type ProfileChanges = NonNullable<paths["/customers/me"]["patch"]["requestBody"]>["content"]["application/json"];
export type Session =
  paths["/auth/sessions"]["get"]["responses"][200]["content"]["application/json"]["sessions"][number];

const SESSIONS_KEY = ["auth", "sessions"] as const;

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: ProfileChanges) => unwrap(customerApi.PATCH("/customers/me", { body: changes })),
    onSuccess: (customer) => queryClient.setQueryData(CURRENT_CUSTOMER_KEY, customer),
  });
}

/** The other sessions end with it (the server's rule): their list is asked again. */
export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      unwrap(customerApi.POST("/customers/me/password", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SESSIONS_KEY }),
  });
}

export function useSessions() {
  return useQuery({ queryKey: SESSIONS_KEY, queryFn: () => unwrap(customerApi.GET("/auth/sessions")) });
}

export function useEndSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(customerApi.DELETE("/auth/sessions/{id}", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SESSIONS_KEY }),
  });
}

/** Deletes the account; every session ends, this one too. */
export function useDeleteAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (password: string) => unwrap(customerApi.DELETE("/customers/me", { body: { password } })),
    onSuccess: () => {
      queryClient.clear();
      endSession("Your account was deleted, with everything in it.");
    },
  });
}
