-- One database per service that uses PostgreSQL (docker-compose only; infra/bin/infra does the same).
CREATE DATABASE coffer_files;
CREATE DATABASE coffer_notifications;
