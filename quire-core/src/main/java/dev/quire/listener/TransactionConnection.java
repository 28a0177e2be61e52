package dev.quire.listener;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Set;

/**
 * The connection a listener's handlers get: the real one, except that it refuses to end the
 * transaction. The checkpoint is written in the same transaction after the handlers, so a handler
 * that committed (or closed the connection) would break exactly-once.
 */
final class TransactionConnection implements InvocationHandler {

  private static final Set<String> FORBIDDEN = Set.of("commit", "rollback", "close", "setAutoCommit", "abort");

  private final Connection connection;

  private TransactionConnection(Connection connection) {
    this.connection = connection;
  }

  static Connection wrap(Connection connection) {
    return (Connection) Proxy.newProxyInstance(
        TransactionConnection.class.getClassLoader(), new Class<?>[] {Connection.class},
        new TransactionConnection(connection));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    if (FORBIDDEN.contains(name) && !(name.equals("rollback") && args != null && args.length == 1)) {
      throw new UnsupportedOperationException("Connection." + name
          + " is not allowed in a listener: Quire commits the transaction together with the listener's checkpoint");
    }
    if (method.getDeclaringClass() == Object.class) {
      return switch (name) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        case "toString" -> "TransactionConnection[" + connection + "]";
        default -> method.invoke(connection, args);
      };
    }
    try {
      return method.invoke(connection, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
