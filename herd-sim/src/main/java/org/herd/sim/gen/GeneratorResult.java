package org.herd.sim.gen;

/**
 * What {@link TraceGenerator} produced, for the table, the CSV and the plots.
 *
 * @param calls               calls written
 * @param users               user ids in the trace
 * @param days                days generated
 * @param callsPerUserMonth   calls per user per 31-day month (the paper's August), as realised
 * @param peakConcurrentCalls maximum number of calls in progress in any second
 * @param peakDutyCycle       2 × peakConcurrentCalls / users (both parties are in a call)
 * @param durationMedianModel median of the duration law (seconds), solved from the duty target
 * @param meanDuration        mean realised duration (seconds)
 * @param callsPerHour        calls started in each hour of the day, summed over days
 * @param involvement         histogram: involvement[n] = users in exactly n calls (capped bin last)
 * @param durationSeconds     histogram of durations in whole seconds, capped bin last
 * @param concurrentPerMinute calls in progress at the start of each minute of the first day
 */
public record GeneratorResult(
        long calls, int users, int days, double callsPerUserMonth, long peakConcurrentCalls,
        double peakDutyCycle, double durationMedianModel, double meanDuration, long[] callsPerHour,
        long[] involvement, long[] durationSeconds, int[] concurrentPerMinute) {
}
