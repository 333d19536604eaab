-- The customer's display name, from customer.registered and customer.profile-updated: a share's
-- page shows who shared the file. profile_at is the newest event applied, so an older one
-- arriving late cannot roll it back.
ALTER TABLE customers ADD COLUMN display_name text, ADD COLUMN profile_at timestamptz;
