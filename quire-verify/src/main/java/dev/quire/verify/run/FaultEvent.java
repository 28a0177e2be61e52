package dev.quire.verify.run;

import dev.quire.verify.fault.FaultKind;

/**
 * One injected fault.
 *
 * @param atMillis when it started, from the start of the run
 * @param lengthMillis how long its window was meant to last
 * @param description what the target did
 */
public record FaultEvent(FaultKind kind, long atMillis, long lengthMillis, String description) {}
