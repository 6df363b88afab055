-- 0003: member listings page through an organization's memberships newest
-- first; without this index every page sorted all of them.
CREATE INDEX ix_memberships_org_created ON memberships (org_id, created_at, user_id);
