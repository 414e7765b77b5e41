-- The two roles of docs/adopting.md, for psql, run once by a role that may create roles (the
-- server's administrator). compose.yaml runs this file when its database is first created.
--
--   psql "postgresql://admin@host/app" -v owner_password=... -v runtime_password=... -f db/roles/create-roles.sql
--
-- Then, as the owner:  java -jar rtsync.jar migrate
--                      java -jar rtsync.jar grant rtsync_runtime [--with-retention]
-- and run the service as rtsync_runtime with RTSYNC_MIGRATE_ON_START=false.

\if :{?owner_password}
\else
    \set owner_password 'rtsync_owner'
\endif
\if :{?runtime_password}
\else
    \set runtime_password 'rtsync_runtime'
\endif

-- The owner: owns the app schema and rtsync's tables, runs the migrations, tracks tables. On a
-- database the original service set up, it must own app.logging and app.rxdb_subscription (the
-- migrations alter them) and hold TRIGGER on the entity tables it tracks; often that is the role
-- that already runs the REST API's migrations, and then this CREATE ROLE is not needed.
CREATE ROLE rtsync_owner LOGIN PASSWORD :'owner_password';
-- To create the app schema where it does not exist yet.
GRANT CREATE ON DATABASE :"DBNAME" TO rtsync_owner;

-- The runtime role: what the service connects as. Nothing is granted here; the owner grants it
-- exactly what the service needs with app.rtsync_grant_runtime after migrating.
CREATE ROLE rtsync_runtime LOGIN PASSWORD :'runtime_password';
