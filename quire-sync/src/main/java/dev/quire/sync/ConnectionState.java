package dev.quire.sync;

/** The state of a link to a remote. */
public enum ConnectionState { CONNECTING, CONNECTED, DISCONNECTED, STOPPED }
