package dev.quire.bench.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.function.IntPredicate;
import javax.net.ssl.SSLSocketFactory;

/**
 * One kept-alive HTTP/1.1 connection, one exchange at a time: writes a whole request and reads its
 * answer, blocking the calling (virtual) thread.
 *
 * <p>Why not {@code java.net.http.HttpClient}: it moves every exchange through its selector thread
 * and several executor tasks (each a new virtual thread, or a pool hand-off), which cost the
 * benchmark about 0.2 ms of CPU per request, on the same cores as the server it measures. This
 * speaks only what the benchmark needs: requests with a {@code Content-Length} body (or none);
 * answers framed by {@code Content-Length} or chunked, or ended by the server closing; keep-alive
 * unless the server says {@code Connection: close}.
 *
 * <p>Concurrency: not thread-safe; {@link QuireApi} lends each connection to one caller at a time.
 */
final class HttpConnection implements AutoCloseable {

  /** Thrown when the server closed the connection before any byte of the answer: safe to resend. */
  static final class ClosedBeforeAnswerException extends IOException {
    ClosedBeforeAnswerException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * One answer.
   *
   * @param token the {@code Quire-Consistency-Token} header; null when absent
   * @param body the body, only when it was asked for (see {@link #exchange}); else null
   */
  record Answer(int status, String token, byte[] body) {}

  private static final int BUFFER = 16 * 1024;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  /**
   * Read buffer, bytes {@code [position, limit)} not consumed yet. Our own rather than a {@code
   * BufferedInputStream}, whose every {@code read()} takes a lock: answers are parsed byte by byte.
   */
  private final byte[] buffer = new byte[BUFFER];
  private int position;
  private int limit;
  private final StringBuilder line = new StringBuilder(128);
  private boolean open = true;

  /**
   * @param base {@code http://host:port} or {@code https://host:port}
   * @param readTimeout the longest wait for any byte of an answer
   */
  HttpConnection(URI base, Duration connectTimeout, Duration readTimeout) throws IOException {
    boolean tls = "https".equalsIgnoreCase(base.getScheme());
    int port = base.getPort() >= 0 ? base.getPort() : tls ? 443 : 80;
    Socket plain = new Socket();
    try {
      plain.setTcpNoDelay(true);
      plain.connect(new InetSocketAddress(base.getHost(), port), (int) connectTimeout.toMillis());
      plain.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
      socket = tls ? ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, base.getHost(), port, true)
          : plain;
      in = socket.getInputStream();
      out = socket.getOutputStream();
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  /**
   * Sends {@code request} (head and body, already framed) and reads the answer.
   *
   * @param keepBody which answers' bodies to keep: by status
   * @throws ClosedBeforeAnswerException the server had closed the connection (idle timeout)
   */
  Answer exchange(byte[] request, IntPredicate keepBody) throws IOException {
    boolean answerStarted = false;
    try {
      out.write(request);
      out.flush();
      int first = read();
      if (first < 0) {
        throw new EOFException("connection closed by the server");
      }
      answerStarted = true;
      return readAnswer(first, keepBody);
    } catch (IOException e) {
      open = false;
      if (!answerStarted && !(e instanceof SocketTimeoutException)) {
        throw new ClosedBeforeAnswerException("connection closed before an answer: " + e.getMessage(), e);
      }
      throw e;
    }
  }

  /** False once the server asked to close, or an exchange failed: do not reuse. */
  boolean reusable() {
    return open;
  }

  @Override
  public void close() {
    open = false;
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing to do: the connection is gone either way.
    }
  }

  private Answer readAnswer(int first, IntPredicate keepBody) throws IOException {
    String statusLine = readLine(first);
    // "HTTP/1.1 200 OK"
    int space = statusLine.indexOf(' ');
    if (!statusLine.startsWith("HTTP/1.") || space < 0 || statusLine.length() < space + 4) {
      throw new IOException("not an HTTP/1.x answer: " + statusLine);
    }
    int status = Integer.parseInt(statusLine, space + 1, space + 4, 10);
    long length = -1;
    boolean chunked = false;
    String token = null;
    String header;
    while (!(header = readLine(read())).isEmpty()) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = header.substring(0, colon);
      String value = header.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        length = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
      } else if (name.equalsIgnoreCase("Connection")) {
        if (value.equalsIgnoreCase("close")) {
          open = false;
        }
      } else if (name.equalsIgnoreCase(QuireApi.TOKEN_HEADER)) {
        token = value;
      }
    }
    if (!statusLine.startsWith("HTTP/1.1")) {
      open = false;
    }
    ByteArrayOutputStream body = keepBody.test(status) ? new ByteArrayOutputStream() : null;
    if (status == 204 || status == 304 || status / 100 == 1) {
      // No body.
    } else if (chunked) {
      readChunked(body);
    } else if (length >= 0) {
      copy(length, body);
    } else {
      // Framed by the end of the connection.
      open = false;
      copy(Long.MAX_VALUE, body);
    }
    return new Answer(status, token, body == null ? null : body.toByteArray());
  }

  private void readChunked(ByteArrayOutputStream body) throws IOException {
    while (true) {
      String sizeLine = readLine(read());
      int end = sizeLine.indexOf(';');
      long size = Long.parseLong((end < 0 ? sizeLine : sizeLine.substring(0, end)).trim(), 16);
      if (size == 0) {
        while (!readLine(read()).isEmpty()) {
          // Trailers: ignored.
        }
        return;
      }
      copy(size, body);
      readLine(read()); // the CRLF after the chunk
    }
  }

  /** Reads {@code count} bytes (to the end of the stream when {@code Long.MAX_VALUE}) into {@code body}, or drops them. */
  private void copy(long count, ByteArrayOutputStream body) throws IOException {
    long left = count;
    while (left > 0) {
      if (position == limit && !fill()) {
        if (count == Long.MAX_VALUE) {
          return;
        }
        throw new EOFException("answer ended " + left + " byte(s) early");
      }
      int n = (int) Math.min(limit - position, left);
      if (body != null) {
        body.write(buffer, position, n);
      }
      position += n;
      left -= n;
    }
  }

  /** The next byte, or -1 at the end of the stream. */
  private int read() throws IOException {
    if (position == limit && !fill()) {
      return -1;
    }
    return buffer[position++] & 0xff;
  }

  /** Reads what the socket has into the (consumed) buffer; false at the end of the stream. */
  private boolean fill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      return false;
    }
    position = 0;
    limit = n;
    return true;
  }

  /** One line without its CRLF (or LF), starting with the already read byte {@code first}. */
  private String readLine(int first) throws IOException {
    line.setLength(0);
    int b = first;
    while (true) {
      if (b < 0) {
        throw new EOFException("answer ended inside its head");
      }
      if (b == '\n') {
        int last = line.length() - 1;
        if (last >= 0 && line.charAt(last) == '\r') {
          line.setLength(last);
        }
        return line.toString();
      }
      line.append((char) b);
      b = read();
    }
  }
}
