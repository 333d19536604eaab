-- Opens an upload's reservation in one round trip (it took six: a read, then a transaction that
-- locked the customer, counted and inserted). In a volatile function each statement takes a new
-- snapshot, so the count that follows the lock sees every opening committed before it, on any
-- instance, as the transaction did. Answers 'opened', 'too-many' (the customer's cap on open
-- reservations, when p_max_open is not null), 'quota' (no room for p_bytes) or 'no-customer'
-- (the caller creates the customer's row, then asks again).
CREATE FUNCTION open_upload_reservation(
  p_id uuid, p_customer_id text, p_bytes bigint, p_owner text, p_lease_seconds double precision,
  p_object_key text, p_max_open integer
) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM customers WHERE id = p_customer_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'no-customer';
  END IF;
  IF p_max_open IS NOT NULL AND (
    SELECT count(*) FROM upload_reservations WHERE customer_id = p_customer_id AND expires_at > now()
  ) >= p_max_open THEN
    RETURN 'too-many';
  END IF;
  UPDATE customers SET reserved_bytes = reserved_bytes + p_bytes
   WHERE id = p_customer_id AND (p_bytes = 0 OR used_bytes + reserved_bytes + p_bytes <= quota_bytes);
  IF NOT FOUND THEN
    RETURN 'quota';
  END IF;
  INSERT INTO upload_reservations (id, customer_id, bytes, owner, expires_at, object_key)
  VALUES (p_id, p_customer_id, p_bytes, p_owner, now() + make_interval(secs => p_lease_seconds), p_object_key);
  RETURN 'opened';
END
$$;
