package dev.quire.verify.fault;

/** A failure the verification harness injected on purpose into {@code component}. */
public final class InjectedFaultException extends RuntimeException {

  private final String component;

  public InjectedFaultException(String component, String what) {
    super("Injected fault in " + component + ": " + what);
    this.component = component;
  }

  public String component() {
    return component;
  }
}
