import { useEffect, useRef, useState } from "react";
import { ErrorMessage } from "@/components/error-message";
import { useDeliveries, type AdminCustomer, type DeliveryStatus } from "../api/admin-api";

const STATUSES: { value: DeliveryStatus | ""; label: string }[] = [
  { value: "", label: "All" },
  { value: "pending", label: "Pending" },
  { value: "sent", label: "Sent" },
  { value: "failed", label: "Failed" },
];

/** What Coffer mailed, when, and why a mail failed; to everyone, or about one customer. */
export function DeliveriesSection({ customer, onShowAll }: { customer?: AdminCustomer; onShowAll: () => void }) {
  const [status, setStatus] = useState<DeliveryStatus | "">("");
  const deliveries = useDeliveries(status, customer?.id);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (customer) heading.current?.focus();
  }, [customer]);
  const list = deliveries.data?.pages.flatMap((page) => page.deliveries) ?? [];

  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title" ref={heading} tabIndex={-1}>
        {customer ? `Mail deliveries about ${customer.email}` : "Mail deliveries"}
      </h2>
      {customer && (
        <p>
          <button type="button" className="link-button" onClick={onShowAll}>
            Show everyone's
          </button>
        </p>
      )}
      <div className="toolbar">
        <div className="field">
          <label htmlFor="deliveries-status">Status</label>
          <select
            id="deliveries-status"
            value={status}
            onChange={(event) => setStatus(event.currentTarget.value as DeliveryStatus | "")}
          >
            {STATUSES.map(({ value, label }) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorMessage error={deliveries.error} />
      {deliveries.isSuccess && list.length === 0 && <p>No deliveries.</p>}
      {list.length > 0 && (
        // Scrolls sideways on a narrow screen: focusable so a keyboard can scroll it too.
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Delivery list">
          <table>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Recipient</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {list.map((delivery) => (
                <tr key={delivery.id}>
                  <td>
                    <time dateTime={delivery.createdAt}>{new Date(delivery.createdAt).toLocaleString()}</time>
                  </td>
                  <td>{delivery.recipient}</td>
                  <td>{delivery.kind}</td>
                  <td>{delivery.status}</td>
                  <td>{delivery.attempts}</td>
                  <td>{delivery.lastError ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {deliveries.hasNextPage && (
        <button
          type="button"
          className="button button--secondary"
          disabled={deliveries.isFetchingNextPage}
          onClick={() => deliveries.fetchNextPage()}
        >
          Show older deliveries
        </button>
      )}
    </section>
  );
}
