package dev.quire.index;

public enum Direction {
  OUTGOING,
  INCOMING
}
