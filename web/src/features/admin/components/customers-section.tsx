import { useState } from "react";
import { ErrorMessage } from "@/components/error-message";
import { formatBytes } from "@/lib/format";
import { useCustomerUsage, useCustomers, useSetDisabled, useSetQuota, type AdminCustomer } from "../api/admin-api";

const GiB = 2 ** 30;

export function CustomersSection({ onShowMails }: { onShowMails: (customer: AdminCustomer) => void }) {
  const [email, setEmail] = useState("");
  const customers = useCustomers(email);
  const list = customers.data?.pages.flatMap((page) => page.customers) ?? [];

  return (
    <section aria-labelledby="customers-title">
      <h2 id="customers-title">Customers</h2>
      <form
        className="toolbar"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setEmail(String(new FormData(event.currentTarget).get("email")).trim());
        }}
      >
        <div className="field">
          <label htmlFor="customers-email">E-mail address starts with</label>
          <input id="customers-email" name="email" type="search" defaultValue={email} />
        </div>
        <button type="submit" className="button">
          Find
        </button>
      </form>
      <ErrorMessage error={customers.error} />
      {customers.isPending && (
        <p className="loading" role="status">
          Loading…
        </p>
      )}
      {customers.isSuccess && list.length === 0 && <p>No customer found.</p>}
      {list.length > 0 && (
        <ul className="cards" aria-label="Customers">
          {list.map((customer) => (
            <CustomerCard key={customer.id} customer={customer} onShowMails={() => onShowMails(customer)} />
          ))}
        </ul>
      )}
      {customers.hasNextPage && (
        <button
          type="button"
          className="button button--secondary"
          disabled={customers.isFetchingNextPage}
          onClick={() => customers.fetchNextPage()}
        >
          Show more customers
        </button>
      )}
    </section>
  );
}

function CustomerCard({ customer, onShowMails }: { customer: AdminCustomer; onShowMails: () => void }) {
  const setDisabled = useSetDisabled();
  const setQuota = useSetQuota();
  const usage = useCustomerUsage(customer.id);
  const titleId = `customer-${customer.id}`;
  const quotaId = `quota-${customer.id}`;

  return (
    <li className="card" aria-labelledby={titleId}>
      <h3 className="card-title" id={titleId}>
        {customer.email}
      </h3>
      <dl className="facts">
        <div>
          <dt>Name</dt>
          <dd>{customer.displayName}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{customer.disabled ? "Disabled" : customer.emailVerified ? "Active" : "Not verified yet"}</dd>
        </div>
        <div>
          <dt>Roles</dt>
          <dd>{customer.roles.length > 0 ? customer.roles.join(", ") : "Customer"}</dd>
        </div>
        <div>
          <dt>Registered</dt>
          <dd>
            <time dateTime={customer.createdAt}>{new Date(customer.createdAt).toLocaleDateString()}</time>
          </dd>
        </div>
        <div>
          <dt>Storage</dt>
          <dd>
            {usage.data
              ? `${formatBytes(usage.data.usedBytes)} of ${formatGiB(usage.data.quotaBytes)} (${usage.data.fileCount} files, ${formatBytes(usage.data.trashBytes)} in the trash)`
              : usage.isPending
                ? "Loading…"
                : "Not known"}
          </dd>
        </div>
      </dl>
      <ErrorMessage error={setDisabled.error ?? setQuota.error ?? usage.error} />
      <div className="card-actions">
        <button
          type="button"
          className={customer.disabled ? "button button--small" : "button button--danger button--small"}
          disabled={setDisabled.isPending}
          aria-describedby={titleId}
          onClick={() => setDisabled.mutate({ id: customer.id, disabled: !customer.disabled })}
        >
          {customer.disabled ? "Enable" : "Disable"}
        </button>
        <button
          type="button"
          className="button button--secondary button--small"
          aria-describedby={titleId}
          onClick={onShowMails}
        >
          Their mails
        </button>
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            const gib = Number(new FormData(event.currentTarget).get("quota"));
            setQuota.mutate({ id: customer.id, quotaBytes: Math.round(gib * GiB) });
          }}
        >
          <label htmlFor={quotaId}>Storage quota (GiB)</label>
          <input
            // Filled with the quota in force once it is known.
            key={usage.data?.quotaBytes}
            id={quotaId}
            name="quota"
            type="number"
            min={0}
            step="any"
            required
            inputMode="decimal"
            defaultValue={usage.data ? Number((usage.data.quotaBytes / GiB).toFixed(2)) : undefined}
          />
          <button type="submit" className="button button--secondary button--small" disabled={setQuota.isPending}>
            Set quota
          </button>
        </form>
      </div>
      {setQuota.isSuccess && (
        <p className="muted" role="status">
          Quota set to {formatGiB(setQuota.variables.quotaBytes)}.
        </p>
      )}
    </li>
  );
}

const formatGiB = (bytes: number) => `${Number((bytes / GiB).toFixed(2))} GiB`;
