package dev.quire.jdbc;

import dev.quire.concurrent.NamedThreadFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL only: tells this process's read models when a read model of the same name in ANY
 * process (this one included) has committed, so a consistency token issued by another process is
 * honoured here as soon as the indexed rows are visible. Read models send {@code NOTIFY} inside
 * their commit transaction (delivered only once it commits); on each notification the matching
 * read models re-read the stored progress of the streams their queries are waiting on.
 *
 * <p>Concurrency: one daemon thread holds a pooled connection that LISTENs and polls; read models
 * register and unregister from any thread (copy-on-write list). Callbacks run on the listener
 * thread and must be short (one query).
 */
final class ProgressListener implements AutoCloseable {

  static final String CHANNEL = "quire_progress";
  private static final Logger log = LoggerFactory.getLogger(ProgressListener.class);
  private static final int POLL_MILLIS = 250;
  private static final long RETRY_MILLIS = 1000;

  /** Something that wants to hear of commits of the read model it is named after. */
  interface Subscriber {
    String readModel();

    void progressCommitted();
  }

  private final DataSource dataSource;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final Object lifecycle = new Object();
  private final Thread thread;
  private volatile boolean closed;
  private String schema;
  private Connection connection;

  /** Starts listening before returning, so no commit after this call can be missed. */
  ProgressListener(DataSource dataSource) {
    this.dataSource = dataSource;
    try {
      connect();
    } catch (SQLException e) {
      throw new StorageException("Cannot LISTEN for read-model progress: " + e.getMessage(), e);
    }
    this.thread = NamedThreadFactory.daemon("quire-jdbc-progress-listener").newThread(this::run);
    thread.start();
  }

  void register(Subscriber subscriber) {
    subscribers.add(subscriber);
  }

  void unregister(Subscriber subscriber) {
    subscribers.remove(subscriber);
  }

  /** The payload a commit of {@code readModel} notifies with, as SQL taking the name as a parameter. */
  static String notifySql() {
    return "SELECT pg_notify('" + CHANNEL + "', current_schema() || '|' || ?)";
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeConnection();
  }

  private void connect() throws SQLException {
    Connection c = dataSource.getConnection();
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT current_schema()")) {
        rs.next();
        schema = rs.getString(1);
      }
      s.execute("LISTEN " + CHANNEL);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    connection = c;
  }

  private void run() {
    while (!closed) {
      try {
        if (connection == null) {
          connect();
          // Commits may have happened while we were not listening.
          subscribers.forEach(this::deliver);
        }
        PGNotification[] notifications = connection.unwrap(PGConnection.class).getNotifications(POLL_MILLIS);
        if (notifications == null) {
          continue;
        }
        for (PGNotification notification : notifications) {
          String payload = notification.getParameter();
          int bar = payload.indexOf('|');
          if (bar < 0 || !payload.substring(0, bar).equals(schema)) {
            continue;
          }
          String readModel = payload.substring(bar + 1);
          for (Subscriber subscriber : subscribers) {
            if (subscriber.readModel().equals(readModel)) {
              deliver(subscriber);
            }
          }
        }
      } catch (SQLException e) {
        if (closed) {
          return;
        }
        log.warn("Read-model progress listener lost its connection; reconnecting: {}", e.getMessage());
        closeConnection();
        pause();
      }
    }
  }

  private void deliver(Subscriber subscriber) {
    try {
      subscriber.progressCommitted();
    } catch (RuntimeException e) {
      log.warn("{}: progress refresh failed", subscriber.readModel(), e);
    }
  }

  private void pause() {
    synchronized (lifecycle) {
      try {
        lifecycle.wait(RETRY_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closed = true;
      }
    }
  }

  private void closeConnection() {
    Connection c = connection;
    connection = null;
    if (c != null) {
      try (c; PreparedStatement ps = c.prepareStatement("UNLISTEN " + CHANNEL)) {
        ps.execute();
      } catch (SQLException e) {
        log.debug("Closing the progress listener connection failed", e);
      }
    }
  }
}
