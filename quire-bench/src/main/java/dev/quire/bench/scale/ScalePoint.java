package dev.quire.bench.scale;

/**
 * One run of a scale curve.
 *
 * @param value the varied setting's value (documents or clients)
 * @param jobsPerSecond jobs per second to READ_READY
 * @param p50Ms submit→READ_READY median
 * @param p99Ms submit→READ_READY 99th percentile
 * @param readWithTokenP99Ms a read with the job's token, 99th percentile
 * @param cpuMicrosPerJob process CPU per READ_READY job
 * @param peakHeapMiB peak heap of the run
 */
public record ScalePoint(long value, double jobsPerSecond, double p50Ms, double p99Ms, double readWithTokenP99Ms,
    double cpuMicrosPerJob, long peakHeapMiB) {}
