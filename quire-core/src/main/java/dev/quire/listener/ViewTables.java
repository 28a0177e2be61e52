package dev.quire.listener;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The tables a JDBC listener maintains, so {@link JdbcListenerReadModel} can create them at start
 * and empty them for a rebuild. A listener object that implements this is picked up by {@link
 * JdbcListenerReadModel.Builder#listener(Object)}; otherwise pass it to {@link
 * JdbcListenerReadModel.Builder#viewTables}.
 *
 * <p>Both methods run inside a transaction Quire owns: do not commit, roll back or close the
 * connection.
 */
public interface ViewTables {

  /** Creates the tables if they do not exist (idempotent DDL such as CREATE TABLE IF NOT EXISTS). */
  void create(Connection connection) throws SQLException;

  /** Deletes every row the listener wrote; run before a rebuild replays the whole history. */
  void reset(Connection connection) throws SQLException;
}
