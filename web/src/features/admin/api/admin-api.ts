import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { customerApi, fileApi, notificationApi, unwrap } from "@/lib/api/clients";
import type { paths as CustomerPaths } from "@/lib/api/generated/customer-service";
import type { paths as NotificationPaths } from "@/lib/api/generated/notification-service";

export type AdminCustomer =
  CustomerPaths["/admin/customers"]["get"]["responses"][200]["content"]["application/json"]["customers"][number];
export type Delivery =
  NotificationPaths["/admin/deliveries"]["get"]["responses"][200]["content"]["application/json"]["deliveries"][number];
export type DeliveryStatus = NonNullable<
  NotificationPaths["/admin/deliveries"]["get"]["parameters"]["query"]["status"]
>;

const CUSTOMERS_KEY = ["admin", "customers"] as const;
const DELIVERIES_KEY = ["admin", "deliveries"] as const;

/** Customers in the order they registered, those whose address starts with `email` when given. */
export function useCustomers(email: string) {
  return useInfiniteQuery({
    queryKey: [...CUSTOMERS_KEY, email],
    queryFn: ({ pageParam }) =>
      unwrap(
        customerApi.GET("/admin/customers", {
          params: { query: { limit: 20, ...(email && { email }), ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useSetDisabled() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, disabled }: { id: string; disabled: boolean }) =>
      unwrap(
        disabled
          ? customerApi.POST("/admin/customers/{id}/disable", { params: { path: { id } } })
          : customerApi.POST("/admin/customers/{id}/enable", { params: { path: { id } } }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: CUSTOMERS_KEY }),
  });
}

const USAGE_KEY = ["admin", "usage"] as const;

/** A customer's storage: used bytes, quota, files, trash. */
export function useCustomerUsage(id: string) {
  return useQuery({
    queryKey: [...USAGE_KEY, id],
    queryFn: () => unwrap(fileApi.GET("/admin/customers/{id}/quota", { params: { path: { id } } })),
  });
}

export function useSetQuota() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, quotaBytes }: { id: string; quotaBytes: number }) =>
      unwrap(fileApi.PUT("/admin/customers/{id}/quota", { params: { path: { id } }, body: { quotaBytes } })),
    onSuccess: (_, { id }) => queryClient.invalidateQueries({ queryKey: [...USAGE_KEY, id] }),
  });
}

/** What was mailed, newest first; only those of `status`, and of one customer, when given. */
export function useDeliveries(status: DeliveryStatus | "", customerId: string | undefined) {
  return useInfiniteQuery({
    queryKey: [...DELIVERIES_KEY, status, customerId],
    queryFn: ({ pageParam }) =>
      unwrap(
        notificationApi.GET("/admin/deliveries", {
          params: {
            query: {
              limit: 20,
              ...(status && { status }),
              ...(customerId && { customerId }),
              ...(pageParam && { cursor: pageParam }),
            },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
