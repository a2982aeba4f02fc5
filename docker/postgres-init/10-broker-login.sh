#!/bin/sh
# The broker's own login (docs/operator-guide.md, "Database roles"): a member of the runtime role and
# nothing else, so the serving broker can add to the exchange log but never change or delete a row of it.
# The postgres image runs this once, when the data volume is first initialised; for a volume made before,
# run the two statements yourself (docker/README.md). The migrations (run as the owner) grant the role
# its rights; creating it here first is harmless, they expect that.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=password="$BROKER_DB_PASSWORD" <<'SQL'
DO $$ BEGIN CREATE ROLE oso_broker_runtime NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE ROLE oso_broker LOGIN PASSWORD :'password' IN ROLE oso_broker_runtime;
SQL
