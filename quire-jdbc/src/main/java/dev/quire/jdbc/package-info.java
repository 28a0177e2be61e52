/**
 * Durable Quire storage on SQLite (embedded, one file, WAL) and PostgreSQL.
 *
 * <ul>
 *   <li>{@link dev.quire.jdbc.QuireDatabase} opens a URL ({@code sqlite:./quire-data/quire.db},
 *       {@code postgresql://host:5432/db?user=..}, or the {@code jdbc:} forms), pools it (HikariCP)
 *       and migrates it (Flyway, {@code db/migration/sqlite} and {@code db/migration/postgresql}).
 *   <li>{@link dev.quire.jdbc.JdbcOperationStore}: the operation log with group commit, optimistic
 *       concurrency on the unique key and ordinals that become visible in order.
 *   <li>{@link dev.quire.jdbc.JdbcDocumentView} and {@link dev.quire.jdbc.JdbcDocumentIndexer}: read
 *       models that commit rows, per-stream progress and checkpoint in one transaction, seed their
 *       tracker and catch up on start, honour other processes' tokens on PostgreSQL
 *       (LISTEN/NOTIFY), and can be rebuilt from the store into fresh tables.
 * </ul>
 */
package dev.quire.jdbc;
