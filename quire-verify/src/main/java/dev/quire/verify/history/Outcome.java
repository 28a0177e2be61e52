package dev.quire.verify.history;

/**
 * How an operation ended, as its client saw it (Jepsen's ok / fail / info).
 *
 * <p>For a write, {@link #OK} means acknowledged: the store holds it (the job reached WRITE_READY or
 * later); {@link #FAIL} means definitely not written (the job ended FAILED, or the request was refused
 * before anything was submitted); {@link #INFO} means unknown (the process died, the connection broke,
 * the job's fate could not be learned): it may or may not be in the store, at most once.
 */
public enum Outcome {
  OK,
  FAIL,
  INFO
}
