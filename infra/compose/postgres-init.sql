-- One database per service that uses PostgreSQL, and the schema registry's (docker-compose only; infra/bin/infra does the same).
CREATE DATABASE coffer_files;
CREATE DATABASE coffer_notifications;
CREATE DATABASE coffer_registry;
